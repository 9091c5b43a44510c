"""The provincial dossier index on the wire: its topics and its four messages.

Under each branch's `motcua/v1/{site}/`, bridged to the central broker:

* `index/dossier` (branch → central, QoS 1): an `IndexEntry`, the public view of one dossier
  at one version, whenever the branch changes it;
* `index/ack` (central → branch, QoS 1): an `IndexAck`, the versions central has stored;
* `index/lookup` (branch → central, QoS 0, ResponseTopic `…/index/answer` + CorrelationData):
  an `IndexLookup`, asking for a dossier the branch does not hold;
* `index/answer` (central → branch, QoS 0): the `IndexAnswer`, with the same CorrelationData;
* `index/handover` (branch → central, QoS 1): a `ResultHandover`, news from the branch a result
  was transferred to (it arrived; it was returned), acknowledged on `index/ack`;
* `index/handed` (central → the dossier's own branch, QoS 1): the same `ResultHandover`, sent
  again until that branch's next entry shows it applied.

No personal data beyond the masked name crosses: the token and the phone's last digits only
as keyed hashes (shared.domain.second_factor).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.domain.site import ID_PATTERN
from shared.messaging.dossier_views import DossierPublic
from shared.messaging.replies import ErrorInfo
from shared.messaging.topics import ROOT

DOSSIER = "dossier"
LOOKUP = "lookup"
ACK = "ack"
ANSWER = "answer"
HANDOVER = "handover"
HANDED = "handed"
TO_CENTRAL = (DOSSIER, LOOKUP, HANDOVER)
FROM_CENTRAL = (ACK, ANSWER, HANDED)
KINDS = (*TO_CENTRAL, *FROM_CENTRAL)
_INDEX = "index"
Hash = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$", description="HMAC-SHA256, hex.")]
KeyId = Annotated[str, Field(pattern=r"^[0-9a-f]{12}$", description="The index key's fingerprint.")]
DossierCode = Annotated[str, Field(min_length=3, max_length=60, pattern=r"^[A-Za-z0-9._-]+$")]
SiteId = Annotated[str, Field(pattern=ID_PATTERN)]


def index_topic(site: str, kind: str) -> str:
    """A branch's index topic, e.g. motcua/v1/hcc-q1/index/dossier."""
    return f"{ROOT}/{site}/{_INDEX}/{kind}"


def every_site(kind: str, base: str = f"{ROOT}/+") -> str:
    """The filter central subscribes to for one kind, e.g. motcua/v1/+/index/dossier."""
    return f"{base}/{_INDEX}/{kind}"


@dataclass(frozen=True)
class IndexTopic:
    """The parts of an index topic as central receives it: the site's prefix and the kind."""

    base: str
    kind: str

    def sibling(self, kind: str) -> str:
        """The topic of another kind under the same prefix (an ack for a dossier, …)."""
        return f"{self.base}/{_INDEX}/{kind}"

    @property
    def site(self) -> str:
        """The site id: the last level of the prefix (motcua/v1/{site})."""
        return self.base.rsplit("/", 1)[-1]


def parse_index_topic(topic: str) -> IndexTopic | None:
    """Split …/index/{kind} into its prefix and kind, or None when it is no index topic."""
    base, _, rest = topic.rpartition(f"/{_INDEX}/")
    if not base or rest not in KINDS:
        return None
    return IndexTopic(base, rest)


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class IndexEntry(_Message):
    """One dossier at one version, as the index keeps it (public view, keyed hashes)."""

    type: Literal["index_entry"] = "index_entry"
    v: Literal[1] = 1
    site_id: SiteId
    site_name: str = Field(max_length=200, description="The branch's name, said to citizens.")
    code: DossierCode
    version: int = Field(ge=1, description="Grows with every change of the dossier.")
    key_id: KeyId
    token_hash: Hash
    phone_hash: Hash | None = Field(
        None, description="Keyed hash of code + the phone's last 4 digits; none without a phone."
    )
    view: DossierPublic = Field(description="The public view when the dossier changed.")
    due_soon_from: dt.date = Field(
        description="First local day the open dossier counts as due soon (working days)."
    )
    timezone: str = Field(max_length=60, description="IANA time zone of the branch.")
    paused: bool = Field(description="The clock is stopped, waiting for the citizen.")
    at: dt.datetime = Field(description="When the branch committed this version.")


class IndexAcked(_Message):
    """One dossier version central has stored (or holds a newer one of)."""

    code: DossierCode
    version: int = Field(ge=1)


class IndexAck(_Message):
    """Central's acknowledgement of the entries it stored, sent after its commit."""

    type: Literal["index_ack"] = "index_ack"
    v: Literal[1] = 1
    acks: list[IndexAcked] = Field(max_length=1000)


class IndexLookup(_Message):
    """A branch asks central for a dossier it does not hold, for one of its devices."""

    type: Literal["index_lookup"] = "index_lookup"
    v: Literal[1] = 1
    request_id: str = Field(min_length=1, max_length=64)
    device: str = Field(min_length=1, max_length=200, description="The asking kiosk or counter.")
    key_id: KeyId
    code: Annotated[str, Field(min_length=1, max_length=200, pattern=r"^\S+$")] | None = Field(
        None, description="A dossier code as scanned or typed (another system's, too)."
    )
    token_hash: Hash | None = None
    phone_hash: Hash | None = None
    trusted: bool = Field(
        False,
        description="The code alone is enough: a counter with an officer logged in, an external "
        "system, or a device that proved this code with a second factor a moment ago.",
    )


class IndexAnswer(_Message):
    """Central's answer to a lookup: the public view, or a typed error."""

    type: Literal["index_answer"] = "index_answer"
    v: Literal[1] = 1
    request_id: str = Field(max_length=64)
    dossier: DossierPublic | None = None
    error: ErrorInfo | None = None


class ResultEvent(StrEnum):
    """What the branch holding a transferred result reports: it arrived, it was returned."""

    ARRIVED = "arrived"
    RETURNED = "returned"


# The notice's version: a returned result has arrived, so "returned" supersedes "arrived".
RESULT_EVENT_VERSIONS = {ResultEvent.ARRIVED: 1, ResultEvent.RETURNED: 2}


class ResultHandover(_Message):
    """News of a result transferred to another branch, from that branch to the dossier's own.

    Sent by the branch holding the result to central (which checks that the dossier's entry
    names that branch as its return point), then by central to the dossier's branch, which
    logs it in the dossier (the hand-over's audit trail) and sends its next entry.
    """

    type: Literal["result_handover"] = "result_handover"
    v: Literal[1] = 1
    site_id: SiteId = Field(description="The branch that holds the result now.")
    site_name: str = Field(max_length=200)
    owner_site_id: SiteId = Field(description="The branch that received the dossier.")
    code: DossierCode
    event: ResultEvent
    officer: str = Field(max_length=40, description="The officer's id at the holding branch.")
    at: dt.datetime = Field(description="When the holding branch committed the event.")
    key_id: KeyId

    @property
    def version(self) -> int:
        """1 for the arrival, 2 for the return: what central acknowledges."""
        return RESULT_EVENT_VERSIONS[self.event]
