"""The butlers' console in a real browser: headless Debian Chromium driven by Playwright, against the served assistant.

Chromium comes from Debian's packages (installed by `make test` / .ci/run); Playwright is
pointed at it and downloads nothing.  The walk: a wrong password and the lockout; the inbox with
a conversation just held over REST and its flag after "转人工"; takeover from the web chat — the
assistant stays silent, the butler's reply reaches the web chat, hand-back, the assistant answers
again; an answer draft edited and sent; a coverage check in the knowledge panel; a request set to
"arranged" and the customer's cancellation in chat answered per the manual; the supervisors'
report with its charts.  Screenshots of each page go to reports/console/.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from assistant.serve import Assistant
from knowledge.config import ROOT

CHROMIUM = "/usr/bin/chromium"
SHOTS = ROOT / "reports" / "console"
PASSWORD = "a long pass phrase 1"


@pytest.fixture(scope="module")
def served(model_path, desk, console_user):
    with Assistant(model=model_path) as running:
        for name, role in (
            ("王管家", "butler"),
            ("赵管家", "butler"),
            ("李主管", "supervisor"),
            ("锁定测试", "butler"),
        ):
            assert console_user(running, name, role, PASSWORD).returncode == 0
        yield running


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), (
        "Debian's chromium is not installed: `make test` installs it (apt-get install chromium)"
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


def login(browser, served: Assistant, name: str, password: str = PASSWORD):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1360, "height": 900})
    page = context.new_page()
    page.goto(served.console + "/login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", password)
    page.click("#login-form button[type=submit]")
    return page


def open_chat(browser, served: Assistant, first: str):
    """A customer's web chat with one answered question: (the page, the conversation's sender id)."""
    from playwright.sync_api import expect

    customer = browser.new_context(locale="zh-CN").new_page()
    customer.goto(served.console + "/chat")
    customer.fill("#chat-input", first)
    customer.click("#chat-send")
    expect(customer.locator("#chat-lines .line.bot").last).to_contain_text("亳州")
    return customer, next(c["value"] for c in customer.context.cookies() if c["name"] == "webchat_id")


def test_a_wrong_password_is_refused_and_repeated_failures_lock_the_account(browser, served):
    from playwright.sync_api import expect

    page = login(browser, served, "锁定测试", "wrong password!")
    expect(page.locator("#login-message")).to_contain_text("用户名或密码不正确")
    for _ in range(5):
        page = login(browser, served, "锁定测试", "wrong password!")
    expect(page.locator("#login-message")).to_contain_text("锁定")
    page = login(browser, served, "锁定测试")  # the right password, but locked
    expect(page.locator("#login-message")).to_contain_text("锁定")
    assert "/login" in page.url
    page.context.close()


def test_the_inbox_shows_a_conversation_held_over_rest_with_its_flag(browser, served):
    from playwright.sync_api import expect

    served.say("rest-customer-1", "平安的住院陪护在毫州能用吗")
    page = login(browser, served, "王管家")
    row = page.locator("tr[data-sender='rest-customer-1']")
    expect(row).to_contain_text("住院陪护")
    served.say("rest-customer-1", "转人工")
    expect(row).to_contain_text("要求转人工", timeout=10_000)  # appears without reloading
    page.select_option("select[name=flag]", "human")
    page.click("#filters button")
    expect(page.locator("#inbox tbody tr")).to_have_count(1)
    page.screenshot(path=str(SHOTS / "inbox.png"), full_page=True)
    page.context.close()


def test_takeover_silences_the_assistant_the_reply_reaches_the_web_chat_then_hand_back(browser, served):
    from playwright.sync_api import expect

    customer, sender = open_chat(browser, served, "平安的住院陪护在毫州能用吗")
    butler = login(browser, served, "王管家")
    butler.goto(f"{served.console}/conversations/{sender}")
    expect(butler.locator("#lines")).to_contain_text("亳州")
    butler.click("#takeover")
    expect(butler.locator("#state")).to_contain_text("由 王管家 接管中")

    other = login(browser, served, "赵管家")  # a second butler cannot hold it too
    other.goto(f"{served.console}/conversations/{sender}")
    other.click("#takeover")
    expect(other.locator("#notice")).to_contain_text("王管家")
    other.context.close()

    bots_before = customer.locator("#chat-lines .line.bot").count()
    customer.fill("#chat-input", "<b>有人吗</b><script>window.pwned=1</script>")
    customer.click("#chat-send")
    expect(butler.locator("#lines .line.user").last).to_contain_text("<b>有人吗</b>")  # shown as text, nothing ran
    assert butler.evaluate("window.pwned") is None and customer.evaluate("window.pwned") is None
    customer.wait_for_timeout(1500)
    assert customer.locator("#chat-lines .line.bot").count() == bots_before  # the assistant stays silent

    butler.fill("#reply", "您好，我是健康管家王管家，马上为您查询。")
    butler.click("#send")
    expect(customer.locator("#chat-lines .line.butler").last).to_contain_text("王管家，马上为您查询")
    butler.screenshot(path=str(SHOTS / "conversation-takeover.png"), full_page=True)

    butler.click("#handback")
    expect(butler.locator("#state")).to_contain_text("助手在回复")
    customer.fill("#chat-input", "那乌海呢")
    customer.click("#chat-send")
    expect(customer.locator("#chat-lines .line.bot").last).to_contain_text("乌海")
    expect(customer.locator("#chat-lines .line.bot").last).to_contain_text("不可以")
    butler.context.close()
    customer.context.close()


def test_an_answer_draft_is_edited_and_sent(browser, served):
    from playwright.sync_api import expect

    customer, sender = open_chat(browser, served, "平安的住院陪护在毫州能用吗")
    butler = login(browser, served, "王管家")
    butler.goto(f"{served.console}/conversations/{sender}")
    butler.click("#takeover")
    expect(butler.locator("#state")).to_contain_text("接管中")
    customer.fill("#chat-input", "需要提前多久申请")
    customer.click("#chat-send")
    expect(butler.locator("#lines .line.user").last).to_contain_text("需要提前多久申请")
    butler.click("#make-draft")
    expect(butler.locator("#reply")).to_have_value(re.compile("12"))  # the manual's 12 hours, as the assistant answers
    expect(butler.locator("#draft-sources")).to_contain_text("来源")
    butler.locator("#reply").press("End")
    butler.locator("#reply").type("（王管家补充：如需加急请致电我们。）")
    butler.click("#send")
    expect(customer.locator("#chat-lines .line.butler").last).to_contain_text("王管家补充")
    expect(customer.locator("#chat-lines .line.butler").last).to_contain_text("12")
    butler.click("#handback")
    butler.context.close()
    customer.context.close()


def test_a_coverage_check_in_the_knowledge_panel(browser, served):
    from playwright.sync_api import expect

    page = login(browser, served, "王管家")
    page.goto(served.console + "/knowledge")
    page.select_option("#k-product", label="平安健康 医疗险")
    page.wait_for_load_state()
    page.select_option("#k-service", label="7天住院陪护")
    page.fill("#k-place", "义乌")
    page.click("#coverage-form button")
    expect(page.locator("#verdict")).to_contain_text("可以使用")
    expect(page.locator("#verdict")).to_contain_text("义乌")
    expect(page.locator("#verdict")).to_contain_text("来源")
    page.fill("#compare-form input", "住院垫付")
    page.click("#compare-form button")
    expect(page.locator("#compare")).to_be_visible()
    assert page.locator("#compare thead th").count() >= 3  # the service in two products or more, side by side
    page.screenshot(path=str(SHOTS / "knowledge.png"), full_page=True)
    page.context.close()


def test_an_arranged_request_cancelled_in_chat_is_answered_per_the_manual(browser, served):
    from playwright.sync_api import expect

    sender = "rest-request-1"
    later = date.today() + timedelta(days=12)
    for text in [
        "我要申请门诊协助",
        "PA2026000504",
        "0504",
        "杭州",
        "浙江大学医学院附属第一医院",
        f"{later.month}月{later.day}日上午10点",
        "用保单手机",
    ]:
        served.say(sender, text)
    done = "\n".join(m.get("text", "") for m in served.say(sender, "确认"))
    reference = re.search(r"SR-\d{8}-\d{4}", done).group(0)

    page = login(browser, served, "王管家")
    page.goto(served.console + "/requests")
    row = page.locator(f"tr[data-ref='{reference}']")
    expect(row).to_contain_text("门诊协助")
    expect(row).to_contain_text("杭州")
    expect(row).to_contain_text("138****0504")
    assert "13800000504" not in page.content()
    row.locator("select[name=status]").select_option("arranged")
    row.locator("input[name=note]").fill("已约好专家号")
    row.locator("button").click()
    expect(page.locator("#message")).to_contain_text("已安排")
    page.screenshot(path=str(SHOTS / "requests.png"), full_page=True)

    reply = "\n".join(m.get("text", "") for m in served.say(sender, f"取消申请 {reference}"))
    assert "视同" in reply and "已使用" in reply and "1.门诊协助" in reply  # the manual's sentence, with its section
    page.goto(served.console + "/requests")
    expect(page.locator(f"tr[data-ref='{reference}']")).to_contain_text("视同已使用")
    page.context.close()


def test_the_supervisors_report_draws_its_charts(browser, served):
    from playwright.sync_api import expect

    butler = login(browser, served, "王管家")
    butler.goto(served.console + "/reports")
    expect(butler.locator("#error")).to_contain_text("主管")
    butler.context.close()
    page = login(browser, served, "李主管")
    page.goto(served.console + "/reports")
    for chart in ("#chart-days", "#chart-handed", "#chart-unanswered", "#chart-requests"):
        expect(page.locator(f"{chart} svg")).to_be_visible()
    expect(page.locator("#chart-requests")).to_contain_text("门诊协助")  # Chinese labels drawn by the browser
    assert page.locator("#chart-days rect").count() == 14
    expect(page.locator("#requests-by-status")).to_contain_text("门诊协助")
    page.screenshot(path=str(SHOTS / "reports.png"), full_page=True)
    page.goto(served.console + "/audit")
    expect(page.locator("#audit")).to_contain_text("takeover")
    page.context.close()
