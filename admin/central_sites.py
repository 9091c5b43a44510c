"""The branches bridged to a central broker (`sites.toml`) and the central broker's accounts."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from admin import bridge
from server.accounts import Account, ProvisionError
from shared.cli_text import say
from shared.config.problems import format_errors
from shared.domain.site import ID_PATTERN as _ID
from shared.messaging.registry import WEB_USER, Role, verbs_for
from shared.messaging.topics import INDEX_FROM_CENTRAL, INDEX_TO_CENTRAL, Topics

SITES_FILE = "sites.toml"
INDEX_USER = "central"
WATCHER_USER = "watcher"
LOOKUP_USER = "lookup"
SERVICE_USERS = (INDEX_USER, WATCHER_USER, LOOKUP_USER, WEB_USER)
# Every site under the usual prefix, in one ACL line: motcua/v1/+/…
_EVERY_SITE = Topics("+")
_HEADER = (
    "# Branches bridged to this central broker, kept by `motcua central-broker`.",
    "# You may edit it (add a [[site]], change a prefix) and run the command again.",
)


class RegistryError(ProvisionError):
    """A sites file that cannot be read or does not validate (one line per problem)."""

    def __init__(self, path: Path, lines: list[str]) -> None:
        super().__init__("\n".join(f"{path}: {line}" for line in lines))
        self.lines = lines


class BridgedSite(BaseModel):
    """One branch bridged to this central broker."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=_ID, description="The branch's `[site] id`.")]
    prefix: str = Field(
        "",
        description="Its topic prefix on the central broker (`--bridge-prefix` of the branch); "
        "empty: the branch's own, motcua/v1/{id}.",
    )

    @field_validator("prefix")
    @classmethod
    def _usable(cls, prefix: str) -> str:
        if prefix and not bridge.valid_prefix(prefix):
            raise ValueError(bridge.prefix_rule())
        return prefix.rstrip("/")

    @property
    def base(self) -> str:
        """The branch's topic prefix on the central broker."""
        return bridge.remote_base(self.id, self.prefix)

    @property
    def remapped(self) -> bool:
        """Tell whether the branch's topics have another prefix on the central broker."""
        return self.base != Topics(self.id).base


class SiteRegistry(BaseModel):
    """Every branch bridged to this central broker (`sites.toml` in the central's folder)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    site: list[BridgedSite] = Field(
        default_factory=list, description="One [[site]] table per branch."
    )

    @model_validator(mode="after")
    def _distinct(self) -> SiteRegistry:
        ids = [s.id for s in self.site]
        bases = [s.base for s in self.site]
        if twice := sorted({i for i in ids if ids.count(i) > 1}):
            raise ValueError(say(f"chi nhánh ghi hai lần: {twice}", f"sites listed twice: {twice}"))
        if twice := sorted({b for b in bases if bases.count(b) > 1}):
            raise ValueError(
                say(f"hai chi nhánh cùng tiền tố: {twice}", f"two sites share a prefix: {twice}")
            )
        return self

    def ids(self) -> list[str]:
        """The site ids, in file order."""
        return [s.id for s in self.site]


def bridged_site(site_id: str, prefix: str = "") -> BridgedSite:
    """Validate one branch given on the command line; raise ProvisionError naming it."""
    try:
        return BridgedSite(id=site_id, prefix=prefix)
    except ValidationError as exc:
        raise ProvisionError(f"--site {site_id}: " + "; ".join(format_errors(exc))) from None


def registry_of(sites: Iterable[BridgedSite]) -> SiteRegistry:
    """A registry of these sites, sorted by id (a prefix equal to the usual one is dropped)."""
    plain = [s if s.remapped else BridgedSite(id=s.id) for s in sites]
    try:
        return SiteRegistry(site=sorted(plain, key=lambda s: s.id))
    except ValidationError as exc:
        raise ProvisionError("; ".join(format_errors(exc))) from None


def load_registry(path: Path, missing_ok: bool = True) -> SiteRegistry:
    """Read a sites file (none yet: no site, when `missing_ok`); raise RegistryError."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        if missing_ok:
            return SiteRegistry()
        raise RegistryError(path, [say("không tìm thấy tệp", "file not found")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RegistryError(path, [say(f"không đọc được: {exc}", f"cannot read: {exc}")]) from None
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(
            path, [say(f"không phải TOML hợp lệ: {exc}", f"not valid TOML: {exc}")]
        ) from None
    try:
        return registry_of(SiteRegistry.model_validate(data).site)
    except ValidationError as exc:
        raise RegistryError(path, format_errors(exc, data)) from None
    except ProvisionError as exc:
        raise RegistryError(path, [str(exc)]) from None


def registry_text(registry: SiteRegistry) -> str:
    """Render the sites file (ids and prefixes are plain ASCII: no TOML escaping needed)."""
    lines = list(_HEADER)
    for site in registry.site:
        lines += ["", "[[site]]", f'id = "{site.id}"']
        if site.remapped:
            lines.append(f'prefix = "{site.prefix}"')
    return "\n".join(lines) + "\n"


def _per_site(sites: list[BridgedSite], build: Callable[[Topics], list[str]]) -> list[str]:
    # Branches under the usual prefix share one wildcard line; a remapped branch gets its own.
    filters = build(_EVERY_SITE) if any(not s.remapped for s in sites) else []
    for site in sites:
        if site.remapped:
            filters += [
                bridge.remote_topic(site.id, site.prefix, f) for f in build(Topics(site.id))
            ]
    return filters


def index_account(sites: list[BridgedSite]) -> Account:
    """The central dossier index: reads the branches' dossiers and look-ups, answers them."""
    read = _per_site(sites, lambda t: [t.index(kind) for kind in INDEX_TO_CENTRAL])
    write = _per_site(sites, lambda t: [t.index(kind) for kind in INDEX_FROM_CENTRAL])
    return Account(INDEX_USER, "index", tuple(read), tuple(write))


def watcher_account(sites: list[BridgedSite]) -> Account:
    """Supervision at the centre: reads every branch's events, state and statuses; sends nothing."""
    read = _per_site(sites, lambda t: [t.events(), t.states(), t.statuses()])
    return Account(WATCHER_USER, "watcher", tuple(read), ())


def lookup_account(sites: list[BridgedSite]) -> Account:
    """Cross-branch ticket look-ups: asks any branch `ticket_status`, reads the replies."""
    device = bridge.CENTRAL_DEVICE  # the branch sees the look-ups come from device "central"
    write = _per_site(sites, lambda t: [t.command(bridge.LOOKUP_VERB, device)])
    read = _per_site(sites, lambda t: [t.reply(device)])
    return Account(LOOKUP_USER, "lookup", tuple(read), tuple(write))


def web_account(sites: list[BridgedSite]) -> Account:
    """The citizens' web pages at the centre: reads the branches' lines, queues, events."""
    read = _per_site(sites, lambda t: [t.lines(), t.queues(), t.events(), t.reply(WEB_USER)])
    write = _per_site(sites, lambda t: [t.command(v, WEB_USER) for v in verbs_for(Role.WEB)])
    return Account(WEB_USER, Role.WEB.value, tuple(read), tuple(write))


def central_accounts(registry: SiteRegistry) -> list[Account]:
    """Every account of the central broker: index, watcher, look-ups, web pages, the bridges."""
    sites = list(registry.site)
    bridges = [bridge.bridge_account(s.id, s.prefix if s.remapped else "") for s in sites]
    services = [index_account(sites), watcher_account(sites), lookup_account(sites)]
    return [*services, web_account(sites), *bridges]
