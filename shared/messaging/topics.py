"""Every MQTT topic of the protocol is built here, and only here."""

from __future__ import annotations

from dataclasses import dataclass

ROOT = "motcua/v1"
# The provincial dossier index (`index/{kind}`), reached over the bridge to the central broker:
# a branch sends its dossiers, look-ups and the news of results transferred to it; the central
# index answers with acks and answers and passes that news on to the dossier's own branch.
INDEX_TO_CENTRAL = ("dossier", "lookup", "handover")
INDEX_FROM_CENTRAL = ("ack", "answer", "handed")


def reply_topic_for(command_topic: str) -> str | None:
    """The one reply topic a command's sender may name: …/cmd/{verb}/{device} → …/reply/{device}."""
    parts = command_topic.split("/")
    if len(parts) != 6 or "/".join(parts[:2]) != ROOT or parts[3] != "cmd" or not all(parts):
        return None
    return f"{ROOT}/{parts[2]}/reply/{parts[5]}"


@dataclass(frozen=True)
class CommandTopic:
    """The parts of a command topic: site, verb and the sending device."""

    site: str
    verb: str
    device: str


@dataclass(frozen=True)
class Topics:
    """Topic builders for one site."""

    site: str

    @property
    def base(self) -> str:
        """Return the site's topic prefix."""
        return f"{ROOT}/{self.site}"

    def command(self, verb: str, device: str) -> str:
        """Topic a device publishes a command on, e.g. …/cmd/call_next/q05."""
        return f"{self.base}/cmd/{verb}/{device}"

    def commands(self) -> str:
        """Filter matching every command of the site (the server subscribes to it)."""
        return f"{self.base}/cmd/+/+"

    def commands_of(self, verb: str) -> str:
        """Filter matching one command verb from every device, e.g. …/cmd/officer_login/+."""
        return f"{self.base}/cmd/{verb}/+"

    def reply(self, device: str) -> str:
        """Topic a device receives its command replies on (device = client id = broker user)."""
        return f"{self.base}/reply/{device}"

    def event(self, kind: str) -> str:
        """Topic of one kind of event, e.g. …/evt/called."""
        return f"{self.base}/evt/{kind}"

    def events(self) -> str:
        """Filter matching every event of the site."""
        return f"{self.base}/evt/+"

    def board(self, zone: str) -> str:
        """Retained board of a display zone."""
        return f"{self.base}/state/board/{zone}"

    def counter(self, counter_id: str) -> str:
        """Retained state of one counter."""
        return f"{self.base}/state/counter/{counter_id}"

    def queues(self) -> str:
        """Retained queue lengths and waiting estimates of every service."""
        return f"{self.base}/state/queues"

    def lines(self) -> str:
        """Retained place and estimate of every waiting ticket (numbers only, for live pages)."""
        return f"{self.base}/state/lines"

    def notifications(self) -> str:
        """Retained counts and dead letters of the messages sent to citizens (masked)."""
        return f"{self.base}/state/notifications"

    def late_dossiers(self) -> str:
        """Retained list of dossiers near or past their due date (no personal data)."""
        return f"{self.base}/state/dossiers/late"

    def logins(self) -> str:
        """Retained failed logins and lockouts, for supervisors (officer and device ids only)."""
        return f"{self.base}/state/logins"

    def status(self, client_id: str) -> str:
        """Retained online/offline and health of one process or device."""
        return f"{self.base}/status/{client_id}"

    def statuses(self) -> str:
        """Filter matching every status topic of the site."""
        return f"{self.base}/status/+"

    def replies(self) -> str:
        """Filter matching every reply topic of the site (the server publishes on them)."""
        return f"{self.base}/reply/+"

    def boards(self) -> str:
        """Filter matching the board of every display zone."""
        return f"{self.base}/state/board/+"

    def states(self) -> str:
        """Filter matching every retained state topic of the site."""
        return f"{self.base}/state/#"

    def index(self, kind: str) -> str:
        """Topic of the provincial dossier index, e.g. …/index/dossier (kinds listed above)."""
        return f"{self.base}/index/{kind}"

    def everything(self) -> str:
        """Filter matching every topic of the site (what a listener may subscribe to)."""
        return f"{self.base}/#"

    def parse_command(self, topic: str) -> CommandTopic | None:
        """Split a command topic of this site into its parts, or None when it is not one."""
        prefix = f"{self.base}/cmd/"
        if not topic.startswith(prefix):
            return None
        parts = topic[len(prefix) :].split("/")
        if len(parts) != 2 or not all(parts):
            return None
        return CommandTopic(self.site, parts[0], parts[1])
