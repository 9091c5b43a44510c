"""The `motcua` command: one entry point, a subcommand per process or tool."""

from __future__ import annotations

import argparse
import difflib
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn

from shared.cli_text import FAILURE, USAGE, say, usage_error


@dataclass(frozen=True)
class Command:
    """A subcommand: the module whose `register(subparsers)` adds it, and its one-line help."""

    module: str
    vi: str
    en: str


# Imported lazily, only the module of the command run: `motcua check-config` does not load Qt
# and `motcua kiosk` does not load the database. The help lines live here so that
# `motcua --help` lists every command without importing any of them.
COMMANDS: dict[str, Command] = {
    "server": Command("server.main", "chạy máy chủ xếp hàng", "run the queue server"),
    "central": Command("central.main", "chạy chỉ mục hồ sơ cấp tỉnh", "run the provincial index"),
    "demo": Command(
        "admin.demo",
        "chạy thử cả trung tâm với dữ liệu mẫu",
        "run a whole demo centre with sample data",
    ),
    "check-config": Command(
        "shared.config.cli", "kiểm tra tệp cấu hình điểm phục vụ", "check a site file"
    ),
    "hw": Command(
        "hw.cli",
        "kiểm tra thiết bị: máy in, đầu đọc mã",
        "test the devices: printers, code readers",
    ),
    "dossier": Command(
        "admin.dossier_cli",
        "hồ sơ một cửa: hạn trả, nhập, in phiếu, hồ sơ trễ hạn",
        "dossier tools: due dates, import, forms, late dossiers",
    ),
    "officer": Command(
        "admin.officer_cli", "tài khoản cán bộ tại quầy", "officer accounts at the counters"
    ),
    "id": Command("admin.id_cli", "đọc mã QR thẻ căn cước", "read the QR of a citizen ID card"),
    "data": Command(
        "admin.data_cli",
        "dữ liệu cá nhân: hết hạn lưu trữ, yêu cầu của công dân",
        "personal data: retention purge, a citizen's requests",
    ),
    "devices": Command(
        "admin.devices",
        "công bố tình trạng máy in (giấy, nắp, kết nối)",
        "publish the printers' health (paper, cover, connection)",
    ),
    "display": Command(
        "display.app",
        "chạy màn hình gọi số của một khu vực",
        "run the calling board of a zone",
    ),
    "counter": Command(
        "counter_console.app",
        "chạy màn hình làm việc của một quầy",
        "run the console of a counter",
    ),
    "kiosk": Command(
        "kiosk.app",
        "chạy ki-ốt cảm ứng lấy số và tra cứu",
        "run the touch kiosk (tickets and look-ups)",
    ),
    "web": Command("web.main", "trang số thứ tự và hồ sơ trên điện thoại", "citizens' phone pages"),
    "notify": Command("notify.main", "gửi tin nhắn cho công dân", "send messages to citizens"),
    "provision": Command(
        "admin.provision",
        "tạo tài khoản, mật khẩu, ACL broker cho mọi thiết bị",
        "create the broker accounts, passwords and ACL of devices",
    ),
    "central-broker": Command(
        "admin.central_provision",
        "mật khẩu và ACL của broker trung tâm cho các chi nhánh",
        "passwords and ACL of the central broker for all branches",
    ),
    "status": Command(
        "admin.status",
        "xem trạng thái trực tuyến của thiết bị và máy chủ",
        "show whether every device and the server are online",
    ),
    "backup": Command(
        "admin.backup",
        "sao lưu cơ sở dữ liệu (máy chủ vẫn có thể đang chạy)",
        "back up the database (the server may keep running)",
    ),
    "restore": Command(
        "admin.backup",
        "khôi phục từ tệp sao lưu (dừng máy chủ trước)",
        "restore from a backup (stop the server first)",
    ),
    "report": Command(
        "reports.cli",
        "báo cáo thống kê: bảng tính XLSX, trang HTML có biểu đồ",
        "statistics: an XLSX workbook and an HTML report",
    ),
    "demo-data": Command(
        "reports.demo_data",
        "tạo dữ liệu mô phỏng (vé, hồ sơ, đánh giá) cho báo cáo",
        "simulated tickets, dossiers and ratings for the reports",
    ),
}


class HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter with the 'usage:' heading in the user's language."""

    def __init__(self, prog: str, **kwargs: Any) -> None:
        # Room for the longest command name ("check-config"), so each help stays on its line.
        kwargs.setdefault("max_help_position", 20)
        super().__init__(prog, **kwargs)

    def add_argument(self, action: argparse.Action) -> None:
        """Measure an argument, counting the extra indent of a command list's entries."""
        super().add_argument(action)
        get_subactions = getattr(action, "_get_subactions", None)  # only a command list has it
        subactions = list(get_subactions()) if get_subactions else []
        if action.help is not argparse.SUPPRESS and subactions:
            # argparse measures the entries one indent step short, which wraps the longest.
            longest = max(len(self._format_action_invocation(s)) for s in subactions)
            needed = longest + self._current_indent + 2 * self._indent_increment
            self._action_max_length = max(self._action_max_length, needed)

    def add_usage(
        self,
        usage: str | None,
        actions: Any,
        groups: Any,
        prefix: str | None = None,
    ) -> None:
        """Add the usage line, headed 'cách dùng:' (or 'usage:' in English)."""
        heading = prefix if prefix is not None else say("cách dùng: ", "usage: ")
        super().add_usage(usage, actions, groups, heading)


class Parser(argparse.ArgumentParser):
    """An argument parser whose headings and usage errors speak the user's language.

    Subcommands get the same class (argparse passes the parent's class on).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        add_help = kwargs.get("add_help", True)
        kwargs["add_help"] = False  # our own -h, with its help in the user's language
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)
        self._positionals.title = say("tham số", "positional arguments")
        self._optionals.title = say("tùy chọn", "options")
        if add_help:
            self.add_argument(
                "-h",
                "--help",
                action="help",
                default=argparse.SUPPRESS,
                help=say("in hướng dẫn này rồi thoát", "show this help message and exit"),
            )

    def error(self, message: str) -> NoReturn:
        """Print the usage and the error, then exit with the usage status (2)."""
        self.print_usage(sys.stderr)
        heading = say("lỗi", "error")
        self.exit(USAGE, f"{self.prog}: {heading}: {usage_error(message)}\n")


def build_parser(names: Sequence[str]) -> argparse.ArgumentParser:
    """Build the parser; only the modules of `names` are imported, the rest are listed."""
    parser = Parser(
        prog="motcua",
        description=say(
            "Motcua: hệ thống xếp hàng và theo dõi hồ sơ một cửa.",
            "Motcua: queue and dossier tracking for one-stop public-service centres.",
        ),
        epilog=say(
            "Xem hướng dẫn của từng lệnh: motcua LỆNH --help",
            "Each command's own help: motcua COMMAND --help",
        ),
    )
    sub = parser.add_subparsers(
        dest="command",
        metavar=say("LỆNH", "COMMAND"),
        title=say("các lệnh", "commands"),
        required=True,
    )
    wanted = {COMMANDS[name].module for name in names}
    for name, command in COMMANDS.items():
        if command.module not in wanted:
            # Listed for --help only: the parse never reaches it.
            sub.add_parser(name, help=say(command.vi, command.en))
    for module in sorted(wanted):
        # One module may add several commands (`backup` and `restore`): import it once.
        importlib.import_module(module).register(sub)
    return parser


def unknown_command(name: str) -> int:
    """Say that NAME is no command (suggesting a close one) and return the usage status."""
    close = difflib.get_close_matches(name, COMMANDS, n=1)
    hint = say(f" Có phải là '{close[0]}'?", f" Did you mean '{close[0]}'?") if close else ""
    message = say(
        f"motcua: không có lệnh '{name}'.{hint} Xem: motcua --help",
        f"motcua: no command '{name}'.{hint} See: motcua --help",
    )
    print(message, file=sys.stderr)
    return USAGE


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `motcua` command line and return its exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    first = args_list[0] if args_list else ""
    if not args_list:
        build_parser(()).print_help(sys.stderr)
        return USAGE
    if first in COMMANDS:
        names: Sequence[str] = [first]
    elif first.startswith("-"):
        names = ()
    else:
        return unknown_command(first)
    args = build_parser(names).parse_args(args_list)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except KeyboardInterrupt:
        # Ctrl+C at a prompt or during a long command: stop without a traceback.
        print(file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head -1`): stop quietly, as command-line tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return FAILURE
    except Exception as exc:
        if not database_unavailable(exc):
            raise
        reason = getattr(exc, "orig", None) or exc
        print(
            say(
                f"motcua {first}: lỗi cơ sở dữ liệu (không mở hoặc không kết nối được?): {reason}",
                f"motcua {first}: database error (cannot open or reach it?): {reason}",
            ),
            file=sys.stderr,
        )
        return FAILURE


def database_unavailable(exc: BaseException) -> bool:
    """Tell an unreachable or unopenable database (SQLAlchemy's OperationalError) from a bug."""
    kind = type(exc)
    # Matched by name: importing SQLAlchemy here would load it for every command.
    return kind.__module__.startswith("sqlalchemy.") and kind.__name__ == "OperationalError"


if __name__ == "__main__":
    sys.exit(main())
