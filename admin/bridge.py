"""A branch broker bridged to a central broker: what crosses, the bridge config, its account."""

from __future__ import annotations

import re
from dataclasses import dataclass

from server.accounts import Account
from shared.cli_text import say
from shared.messaging.registry import WEB_USER, Role, verbs_for
from shared.messaging.topics import INDEX_FROM_CENTRAL, INDEX_TO_CENTRAL, Topics

# The device id central clients use for lookups in a branch (`cmd/ticket_status/central`):
# with the web pages' two commands, the only commands that cross the bridge inwards, and only
# their replies go back out.
CENTRAL_DEVICE = "central"
LOOKUP_VERB = "ticket_status"
CONF_DIR = "conf.d"
BRIDGE_CONF = "bridge.conf"
BRIDGE_ROLE = "bridge"
# Routes are written relative to a site's prefix: built for a placeholder site, then cut.
_ANY_SITE = Topics("{site}")
# A topic prefix on the central broker: plain levels, no wildcards, nothing a config line splits.
_PREFIX = re.compile(r"^[A-Za-z0-9_.~-]+(/[A-Za-z0-9_.~-]+)*$")
_HOST_PORT = re.compile(r"^(?P<host>\[[0-9a-fA-F:]+\]|[A-Za-z0-9._-]+):(?P<port>\d{1,5})$")


@dataclass(frozen=True)
class BridgeTarget:
    """The central broker a branch bridges to."""

    host: str
    port: int

    @classmethod
    def parse(cls, text: str) -> BridgeTarget:
        """Parse HOST:PORT (IPv6 as [addr]:port); raise ValueError when malformed."""
        match = _HOST_PORT.match(text.strip())
        if not match or not 0 < int(match.group("port")) < 65536:
            raise ValueError(f"expected HOST:PORT, got {text!r}")
        return cls(match.group("host"), int(match.group("port")))


@dataclass(frozen=True)
class BridgeRoute:
    """One `topic` line: a pattern under the site prefix, its direction and QoS."""

    pattern: str
    direction: str
    qos: int = 1


def valid_prefix(prefix: str) -> bool:
    """Tell whether a site's topic prefix on the central broker is usable (see prefix_rule)."""
    return bool(_PREFIX.match(prefix.rstrip("/")))


def prefix_rule() -> str:
    """What a usable topic prefix looks like, in the user's language."""
    return say(
        "tiền tố chủ đề gồm các cấp A-Z a-z 0-9 _ . ~ - ngăn bởi '/', không có + hay #",
        "a topic prefix is levels of A-Z a-z 0-9 _ . ~ - separated by '/', without + or #",
    )


def bridge_user(site: str) -> str:
    """The account a branch's bridge logs in to the central broker with."""
    return f"bridge-{site}"


def routes() -> list[BridgeRoute]:
    """What crosses the bridge: events, state, statuses and the index feed out; lookups in.

    The citizens' web pages may be served at the centre (`motcua web` with `[web] sites`): their
    two commands come in and their replies go out.
    """
    return [
        BridgeRoute("evt/+", "out"),
        BridgeRoute("state/#", "out"),
        BridgeRoute("status/+", "out"),
        BridgeRoute(f"reply/{CENTRAL_DEVICE}", "out"),
        BridgeRoute(f"cmd/{LOOKUP_VERB}/{CENTRAL_DEVICE}", "in"),
        BridgeRoute(f"reply/{WEB_USER}", "out"),
        *(BridgeRoute(f"cmd/{verb}/{WEB_USER}", "in") for verb in verbs_for(Role.WEB)),
        *(BridgeRoute(_relative(_ANY_SITE.index(kind)), "out") for kind in INDEX_TO_CENTRAL),
        *(BridgeRoute(_relative(_ANY_SITE.index(kind)), "in") for kind in INDEX_FROM_CENTRAL),
    ]


def _relative(topic: str) -> str:
    # "motcua/v1/{site}/index/dossier" -> "index/dossier"
    return topic.removeprefix(_ANY_SITE.base + "/")


def remote_base(site: str, remote_prefix: str = "") -> str:
    """The site's topic prefix on the central broker (the same as in the branch by default)."""
    return remote_prefix.rstrip("/") if remote_prefix else Topics(site).base


def remote_topic(site: str, remote_prefix: str, local: str) -> str:
    """A topic (or filter) of the branch as the central broker names it."""
    return remote_base(site, remote_prefix) + local.removeprefix(Topics(site).base)


def central_topics(site: str, remote_prefix: str = "") -> tuple[list[str], list[str]]:
    """The topics the bridge account writes and reads on the central broker."""
    base = remote_base(site, remote_prefix)
    write = [f"{base}/{r.pattern}" for r in routes() if r.direction == "out"]
    read = [f"{base}/{r.pattern}" for r in routes() if r.direction == "in"]
    return write, read


def bridge_account(site: str, remote_prefix: str = "") -> Account:
    """The central broker's account for one branch's bridge: it writes out, reads in."""
    write, read = central_topics(site, remote_prefix)
    return Account(bridge_user(site), BRIDGE_ROLE, tuple(read), tuple(write))


def bridge_conf(
    site: str,
    target: BridgeTarget,
    password: str,
    remote_prefix: str = "",
    cafile: str = "",
) -> str:
    """The branch broker's bridge section (holds the bridge password: keep it 0640)."""
    local = Topics(site).base + "/"
    remote = remote_base(site, remote_prefix) + "/"
    user = bridge_user(site)
    lines = [
        "# Bridge of this branch to the central broker, generated by `motcua provision`.",
        "# Holds the bridge password: owner root, group mosquitto, mode 0640.",
        f"connection motcua-{site}",
        f"address {target.host}:{target.port}",
        # MQTT v5 keeps ResponseTopic and CorrelationData, which cross-branch lookups need.
        "bridge_protocol_version mqttv50",
        f"remote_clientid {user}",
        f"remote_username {user}",
        f"remote_password {password}",
        f"local_clientid {user}-local",
        # The central keeps what the branch sent while the link was down (QoS 1).
        "cleansession false",
        "notifications false",
        "try_private false",
        "start_type automatic",
        "restart_timeout 2 30",
        "keepalive_interval 30",
    ]
    if cafile:
        lines += [f"bridge_cafile {cafile}", "bridge_insecure false"]
    lines += [f"topic {r.pattern} {r.direction} {r.qos} {local} {remote}" for r in routes()]
    return "\n".join(lines) + "\n"
