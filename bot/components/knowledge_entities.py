"""Rasa NLU component: product, service and place entities from the knowledge store.

At training time it reads every surface form the store knows (product and
insurer aliases, service names and aliases, place names, short forms, typos
and old names) and saves them with the model; at run time it marks the
longest known mention at each position.  No city list is kept in the NLU
data: a city added to a source file is understood after the next training.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from knowledge.api import KnowledgeBase
from knowledge.config import database_url
from knowledge.vocabulary import Mention, MentionFinder, store_forms

FORMS_FILE = "forms.json"


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER],
    is_trainable=True,
)
class KnowledgeEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Marks product / service / place mentions known to the knowledge store.

    It also replaces those tokens' lemmas with the entity type (``__place__`` …) before the
    featurizers run, so the intent classifier learns "那__place__呢" rather than a list of
    cities: a question about 乌海 is classified like one about 杭州.  (Registered as a
    featurizer too, so that Rasa applies this to the training data as well.)
    """

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"database_url": None}

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        forms: Optional[Dict[str, Dict[str, str]]] = None,
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self.forms = forms or {}
        self.finder = MentionFinder(self.forms)

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "KnowledgeEntityExtractor":
        return cls(config, model_storage, resource)

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        """Retrain when the store changed, even if the NLU data did not."""
        try:
            return KnowledgeBase(config.get("database_url") or database_url()).fingerprint
        except Exception:  # noqa: BLE001 - no store yet: training will say so clearly
            return None

    def train(self, training_data: TrainingData) -> Resource:
        kb = KnowledgeBase(self._config.get("database_url") or database_url())
        self.forms = store_forms(kb)
        self.finder = MentionFinder(self.forms)
        with self._model_storage.write_to(self._resource) as path:
            (path / FORMS_FILE).write_text(json.dumps(self.forms, ensure_ascii=False), encoding="utf-8")
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "KnowledgeEntityExtractor":
        with model_storage.read_from(resource) as path:
            forms = json.loads((path / FORMS_FILE).read_text(encoding="utf-8"))
        return cls(config, model_storage, resource, forms)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            mentions = self.finder.find(message.get(TEXT) or "", _word_spans(message))
            _mask(message, mentions)
            found = [
                {
                    ENTITY_ATTRIBUTE_TYPE: m.entity,
                    ENTITY_ATTRIBUTE_START: m.start,
                    ENTITY_ATTRIBUTE_END: m.end,
                    ENTITY_ATTRIBUTE_VALUE: m.text,
                }
                for m in mentions
            ]
            message.set(ENTITIES, message.get(ENTITIES, []) + self.add_extractor_name(found), add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Mask the training examples the same way (their entities stay as annotated)."""
        for message in training_data.training_examples:
            if message.get(TEXT):
                _mask(message, self.finder.find(message.get(TEXT), _word_spans(message)))
        return training_data


def _word_spans(message: Message) -> List[tuple]:
    """The tokenizer's words as (start, end), so that no mention cuts across two of them."""
    return [(t.start, t.end) for t in message.get(TOKENS_NAMES[TEXT]) or []]


def _mask(message: Message, mentions: List[Mention]) -> None:
    tokens = message.get(TOKENS_NAMES[TEXT]) or []
    for m in mentions:
        for token in tokens:
            if token.start < m.end and token.end > m.start:
                token.lemma = f"__{m.entity}__"
