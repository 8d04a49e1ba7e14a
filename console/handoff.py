"""Takeover and hand-back: a butler holds a conversation (the bot is paused through Rasa's events), replies as a person, gives it back.

One butler at a time: the claim is a row keyed by the conversation, so a second takeover fails
(a supervisor may take over from another butler, which is recorded).  The order of the steps
keeps the two sides consistent: claim first, then pause in Rasa (undone if Rasa refuses); resume
in Rasa first, then release.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from console.accounts import Accounts, User, now
from console.models import Account, Claim
from console.rasa_api import RasaAPI


class HandoffRefused(ValueError):
    """Said to the butler (Chinese): why the action cannot be done."""


@dataclass(frozen=True)
class Holder:
    name: str
    since: Any


class Handoff:
    def __init__(self, engine: Any, rasa: RasaAPI, accounts: Accounts) -> None:
        self.engine, self.rasa, self.accounts = engine, rasa, accounts

    def holder(self, sender: str) -> Optional[Holder]:
        with Session(self.engine) as s:
            row = s.execute(
                select(Claim, Account.name)
                .join(Account, Account.id == Claim.account_id)
                .where(Claim.conversation == sender)
            ).first()
            return Holder(row[1], row[0].since) if row else None

    async def take(self, user: User, sender: str) -> None:
        held = self.holder(sender)
        if held and held.name != user.name and not user.is_supervisor:
            raise HandoffRefused(f"这个对话已由健康管家 {held.name} 接管。")
        if held and held.name == user.name:
            return
        try:
            with Session(self.engine) as s, s.begin():
                if held:  # a supervisor takes it over from another butler
                    s.execute(Claim.__table__.delete().where(Claim.conversation == sender))
                s.add(Claim(conversation=sender, account_id=user.id, since=now()))
        except IntegrityError:
            raise HandoffRefused("这个对话刚刚被另一位健康管家接管。") from None
        try:
            await self.rasa.append(sender, [{"event": "pause", "metadata": {"butler": user.name}}])
        except Exception:
            self._release(sender)
            raise
        self.accounts.audit(user.name, "takeover", sender, **({"from": held.name} if held else {}))

    async def give_back(self, user: User, sender: str) -> None:
        held = self._must_hold(user, sender)
        await self.rasa.append(sender, [{"event": "resume", "metadata": {"butler": user.name}}])
        self._release(sender)
        self.accounts.audit(user.name, "handback", sender, **({"from": held.name} if held.name != user.name else {}))

    async def reply(self, user: User, sender: str, text: str, drafted: bool = False) -> None:
        text = (text or "").strip()
        if not text:
            raise HandoffRefused("回复内容不能为空。")
        if len(text) > 2000:
            raise HandoffRefused("回复太长了（最多 2000 字）。")
        self._must_hold(user, sender)
        await self.rasa.append(
            sender, [{"event": "bot", "text": text, "metadata": {"butler": user.name}}], deliver=True
        )
        self.accounts.audit(user.name, "reply_draft" if drafted else "reply", sender, text=text)

    def _must_hold(self, user: User, sender: str) -> Holder:
        held = self.holder(sender)
        if held is None:
            raise HandoffRefused("请先接管这个对话。")
        if held.name != user.name and not user.is_supervisor:
            raise HandoffRefused(f"这个对话由健康管家 {held.name} 接管，只有他/她能回复或交还。")
        return held

    def _release(self, sender: str) -> None:
        with Session(self.engine) as s, s.begin():
            s.execute(Claim.__table__.delete().where(Claim.conversation == sender))
