"""`motcua notify`: send queued messages to citizens; list and resend the dead letters."""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from notify.gateways import Gateway
from notify.mail import EmailGateway
from notify.sms import SmsGateway
from notify.worker import Notifier
from notify.zns import ZnsGateway
from server.accounts import Account, notify_account
from shared.cli_text import FAILURE, USAGE, say
from shared.config.site import DEFAULT_CONFIG, SiteConfig
from shared.domain.notifications import KIND_LABELS, ChannelKind, MessageKind, mask_recipient
from shared.messaging.paho_bus import BrokerAddress, PahoBus
from shared.messaging.topics import Topics
from shared.storage import notifications as outbox
from shared.storage.engine import make_engine

log = logging.getLogger("motcua.notify")


def register(subparsers: Any) -> None:
    """Add the `notify` subcommand."""
    parser = subparsers.add_parser("notify", help="gửi tin nhắn cho công dân (Zalo, SMS, thư)")
    parser.add_argument("--config", default=DEFAULT_CONFIG, help="tệp cấu hình điểm phục vụ")
    parser.add_argument("--database-url", default="", help="thay cho [database] url")
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--once", action="store_true", help="gửi một lượt tin đến hạn rồi dừng")
    action.add_argument("--list", action="store_true", help="liệt kê tin nhắn không gửi được")
    action.add_argument(
        "--resend", type=int, nargs="+", metavar="ID", help="gửi lại tin nhắn không gửi được"
    )
    parser.add_argument("--log-level", default="INFO")
    parser.set_defaults(handler=run)


def build_gateways(config: SiteConfig) -> dict[ChannelKind, Gateway]:
    """The gateways the site file configures."""
    settings = config.notify
    gateways: dict[ChannelKind, Gateway] = {}
    if settings.zns is not None:
        gateways[ChannelKind.ZNS] = ZnsGateway(settings.zns)
    if settings.sms is not None:
        gateways[ChannelKind.SMS] = SmsGateway(settings.sms)
    if settings.smtp is not None:
        gateways[ChannelKind.EMAIL] = EmailGateway(settings.smtp)
    return gateways


def open_outbox(url: str) -> sessionmaker[Session]:
    """Open the site's database (migrated by the queue server); raise LookupError without it."""
    engine = make_engine(url)
    if not inspect(engine).has_table("notifications"):
        engine.dispose()
        raise LookupError(
            say(
                "cơ sở dữ liệu chưa có bảng tin nhắn: khởi động `motcua server` (bản mới) một lần",
                "the database has no notifications table: start `motcua server` once",
            )
        )
    return sessionmaker(engine, expire_on_commit=False)


def _account(config: SiteConfig) -> Account:
    return notify_account(Topics(config.site.id))


def notify_broker(config: SiteConfig) -> BrokerAddress:
    """The broker and this process's account, found as every process finds its own."""
    from shared.runtime import broker_address, local_credential

    broker, user = config.broker, _account(config).user
    if not broker.host and not broker.username and local_credential(config, user).exists():
        config = config.model_copy(update={"broker": broker.model_copy(update={"username": user})})
    return broker_address(config)


def connect(config: SiteConfig) -> PahoBus | None:
    """Connect to the broker for the supervisors' state; without one, messages still go out."""
    from shared.runtime import connect_bus

    try:
        address = notify_broker(config)
    except (FileNotFoundError, OSError) as exc:
        log.warning("no broker, no state for supervisors: %s", exc)
        return None
    account = _account(config)
    return connect_bus(address, config.site.id, account.user, account.role)


def list_dead(sessions: sessionmaker[Session], config: SiteConfig) -> int:
    """Print the dead letters, one per line: id, time, kind, recipient (masked), code, error."""
    zone = config.site.timezone
    from zoneinfo import ZoneInfo

    with sessions() as session:
        rows = outbox.dead_letters(session, config.site.id, 1000)
        for row in rows:
            at = row.updated_at.astimezone(ZoneInfo(zone))
            fields = (
                str(row.id),
                f"{at:%d/%m/%Y %H:%M}",
                KIND_LABELS[MessageKind(row.kind)],
                mask_recipient(row.phone, row.email) or say("(đã xóa)", "(removed)"),
                row.reference,
                row.last_error,
            )
            print("\t".join(fields))
    print(say(f"{len(rows)} tin nhắn không gửi được", f"{len(rows)} dead letters"), file=sys.stderr)
    return 0


def resend(sessions: sessionmaker[Session], config: SiteConfig, ids: list[int]) -> int:
    """Put dead letters back in the outbox (from their first channel, with a new request id)."""
    from shared.runtime import utc_now

    failed = 0
    with sessions.begin() as session:
        for row_id in ids:
            if outbox.resend(session, config.site.id, row_id, utc_now()):
                print(say(f"{row_id}: sẽ gửi lại", f"{row_id}: queued again"))
            else:
                failed += 1
                print(
                    say(
                        f"{row_id}: không có tin nhắn không gửi được số này "
                        "(hoặc người nhận đã bị xóa)",
                        f"{row_id}: no dead letter with this id (or its recipient was removed)",
                    ),
                    file=sys.stderr,
                )
    return FAILURE if failed else 0


def run(args: argparse.Namespace) -> int:
    """Run `motcua notify`."""
    from shared.config.site import load_config
    from shared.runtime import setup_logging, stop_event

    setup_logging(args.log_level)
    config = load_config(args.config)
    if config is None:
        return USAGE
    try:
        sessions = open_outbox(args.database_url or config.database_url())
    except (LookupError, SQLAlchemyError) as exc:
        print(f"motcua notify: {exc}", file=sys.stderr)
        return FAILURE
    if args.list:
        return list_dead(sessions, config)
    if args.resend:
        return resend(sessions, config, args.resend)
    if not config.notify.enabled:
        print(
            say("[notify] enabled = false: không gửi gì", "[notify] is disabled"), file=sys.stderr
        )
        return USAGE
    bus = connect(config)
    notifier = Notifier(
        config, sessions, build_gateways(config), bus=bus, worker=_account(config).user
    )
    try:
        if args.once:
            notifier.run_once()
        else:
            log.info("sending messages of %s through %s", config.site.id, list(notifier.gateways))
            notifier.run(stop_event())
    finally:
        if bus is not None:
            bus.close()
    return 0
