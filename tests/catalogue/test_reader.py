"""Reading catalogue files: CSV (BOM, ';'), XLSX, Vietnamese headers, every bad row reported."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from shared.catalogue import CatalogueError, read_catalogue
from shared.domain.procedures import RequiredDocument
from tests.helpers.sites import ROOT, demo_config

VI_HEADER = "Mã thủ tục;Tên thủ tục;Lĩnh vực;Cơ quan;Thời hạn;Phí, lệ phí;Thành phần hồ sơ;Dịch vụ"


def write(tmp_path: Path, text: str, name: str = "catalogue.csv", bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


def errors_of(path: Path, with_site: bool = True) -> list[str]:
    with pytest.raises(CatalogueError) as caught:
        read_catalogue(path, demo_config() if with_site else None)
    return caught.value.errors


def test_csv_with_bom_semicolons_and_vietnamese_headers(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        VI_HEADER + "\n"
        "2.000635;Cấp bản sao trích lục hộ tịch;Hộ tịch;tu-phap;trong ngày;8.000 đồng;"
        '"Tờ khai (Bản chính: 1); Giấy tờ tùy thân | Bản sao | 2";ho-tich\n'
        "2.000200;Cấp thẻ căn cước;Căn cước;Công an tỉnh;7 ngày làm việc;Miễn phí;;\n",
        bom=True,
    )
    first, second = read_catalogue(path, demo_config())
    assert first.code == "2.000635" and first.same_day and first.service == "ho-tich"
    assert first.documents == (
        RequiredDocument("Tờ khai", "Bản chính", 1),
        RequiredDocument("Giấy tờ tùy thân", "Bản sao", 2),
    )
    assert first.return_place == "Bộ phận trả kết quả"
    assert (second.department, second.legal_days, second.service) == ("cong-an", 7, None)
    assert second.documents == ()


def test_english_headers_with_commas_any_case_and_multiline_documents(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "CODE,Name,FIELD,Department,Legal_Days,Fee,Documents,Return_Place,Service\n"
        '2.000815,Chứng thực bản sao,Chứng thực,tu-phap,Same day,"2.000 đồng/trang",'
        '"- Bản chính giấy tờ\n- Bản sao (bản sao)\n",Quầy 7,chung-thuc\n',
    )
    (procedure,) = read_catalogue(path)
    assert procedure.fee == "2.000 đồng/trang" and procedure.return_place == "Quầy 7"
    assert procedure.documents == (
        RequiredDocument("Bản chính giấy tờ"),
        RequiredDocument("Bản sao", "Bản sao", 1),
    )


def test_headers_ignore_diacritics_notes_and_an_stt_column(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "STT,MÃ THỦ TỤC,TEN THU TUC,Cơ quan / Sở,Thời hạn (ngày làm việc),Phi le phi\n"
        "1,1.001,Thủ tục thử,xay-dung,15,Không thu phí\n",
    )
    (procedure,) = read_catalogue(path, demo_config())
    assert (procedure.code, procedure.legal_days, procedure.field) == ("1.001", 15, "")


def test_text_is_normalised_to_nfc(tmp_path: Path) -> None:
    decomposed = "Ho\u0302\u0323 ti\u0323ch"  # "Hộ tịch" typed with combining marks
    path = write(tmp_path, f"code,name,department,legal_days,fee\nX.1,{decomposed},tu-phap,1,0\n")
    (procedure,) = read_catalogue(path)
    assert procedure.name == "Hộ tịch"


def test_xlsx_first_sheet_with_numbers_as_excel_stores_them(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Cơ quan", "Thời hạn", "Phí, lệ phí"])
    sheet.append(["2.000200", "Cấp thẻ căn cước", "Căn cước", "cong-an", 7, 50000])
    sheet.append([None, None, None, None, None, None])
    sheet.append(["2.000635", "Cấp bản sao trích lục hộ tịch", "Hộ tịch", "tu-phap", 0.0, 0])
    workbook.create_sheet("Khác").append(["không đọc"])
    path = tmp_path / "catalogue.xlsx"
    workbook.save(path)
    first, second = read_catalogue(path, demo_config())
    assert (first.legal_days, first.fee) == (7, "50.000 đồng")
    assert (second.legal_days, second.fee) == (0, "Không thu phí")


def test_xlsx_bad_rows_use_spreadsheet_row_numbers(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["DANH MỤC THỦ TỤC"])
    sheet.append(["code", "name", "department", "legal_days", "fee"])
    sheet.append([2.0002, "Căn cước", "cong-an", 7.5, "Miễn phí"])
    path = tmp_path / "catalogue.xlsx"
    workbook.save(path)
    assert errors_of(path, with_site=False) == [
        "dòng 1, cột DANH MỤC THỦ TỤC: tên cột không được hỗ trợ (xem danh sách cột).",
        "dòng 1: thiếu cột «Mã thủ tục» (code).",
        "dòng 1: thiếu cột «Tên thủ tục» (name).",
        "dòng 1: thiếu cột «Cơ quan» (department).",
        "dòng 1: thiếu cột «Thời hạn» (legal_days).",
        "dòng 1: thiếu cột «Phí, lệ phí» (fee).",
    ]
    sheet.delete_rows(1)
    workbook.save(path)
    assert errors_of(path, with_site=False) == [
        "dòng 2, cột code: mã thủ tục phải nhập dạng văn bản (Excel đã đổi thành số).",
        "dòng 2, cột legal_days: 7.5 không phải số ngày nguyên.",
    ]


def test_every_bad_row_is_listed_with_its_line_and_column(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        VI_HEADER + "\n"
        "A.1;Đúng;Hộ tịch;tu-phap;1;Không thu phí;;\n"
        ";Thiếu mã;Hộ tịch;tu-phap;mười;Không thu phí;;\n"
        "A.2;Sai cơ quan;Hộ tịch;so-khong-co;1;;Tờ khai (Bản chính: 0);khong-co\n"
        "\n"
        "A.1;Trùng mã;Hộ tịch;tu-phap;1;Không thu phí;;\n",
    )
    assert errors_of(path) == [
        "dòng 3, cột Mã thủ tục: bỏ trống.",
        "dòng 3, cột Thời hạn: 'mười' không phải số ngày làm việc (ví dụ: 5, «trong ngày»).",
        "dòng 4, cột Cơ quan: không có cơ quan «so-khong-co» trong cấu hình (có: tu-phap, "
        "cong-an, tai-chinh, xay-dung, nong-nghiep, noi-vu, y-te, cong-thuong, bhxh, "
        "tra-ket-qua).",
        "dòng 4, cột Phí, lệ phí: bỏ trống; ghi «Không thu phí» nếu thủ tục không thu phí.",
        "dòng 4, cột Thành phần hồ sơ: «Tờ khai (Bản chính: 0)»: số lượng '0' phải là số từ 1 "
        "đến 99.",
        "dòng 4, cột Dịch vụ: không có dịch vụ xếp hàng «khong-co» trong cấu hình.",
        "dòng 6, cột Mã thủ tục: mã A.1 trùng với dòng 2.",
    ]


def test_departments_and_services_are_only_checked_against_a_site(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "code,name,department,legal_days,fee,service\nA.1,Thử,so-moi,1,0,dich-vu-moi\n",
    )
    (procedure,) = read_catalogue(path)
    assert (procedure.department, procedure.service) == ("so-moi", "dich-vu-moi")
    assert errors_of(path)[0].startswith("dòng 2, cột department: không có cơ quan «so-moi»")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "tệp trống: cần một dòng tên cột và các thủ tục."),
        (
            "code,name,department,legal_days,fee\n",
            "tệp không có thủ tục nào (chỉ có dòng tên cột).",
        ),
        (
            "code,name,department,legal_days,fee,days\n",
            "dòng 1, cột days: trùng với cột legal_days (Thời hạn).",
        ),
    ],
)
def test_empty_or_malformed_files_are_refused(tmp_path: Path, text: str, message: str) -> None:
    assert errors_of(write(tmp_path, text)) == [message]


def test_unreadable_files_say_why(tmp_path: Path) -> None:
    latin = tmp_path / "latin.csv"
    latin.write_bytes("code,name\nA,Hà Nội\n".encode("cp1258", errors="replace"))
    assert "không phải UTF-8" in errors_of(latin)[0]
    assert errors_of(tmp_path / "missing.csv") == ["không tìm thấy tệp."]
    assert "không mở được tệp Excel" in errors_of(write(tmp_path, "rác", "bad.xlsx"))[0]
    assert "không được hỗ trợ" in errors_of(write(tmp_path, "x", "old.xls"))[0]


def test_demo_catalogue_loads_against_the_demo_site() -> None:
    procedures = read_catalogue(ROOT / "config" / "demo-catalogue.csv", demo_config())
    by_code = {p.code: p for p in procedures}
    assert len(procedures) >= 30
    assert by_code["2.000635"].same_day and by_code["2.000200"].legal_days == 7
    assert all(2 <= len(p.documents) <= 5 and p.service for p in procedures)
    departments = {p.department for p in procedures}
    assert departments == {d.id for d in demo_config().departments} - {"tra-ket-qua"}


def test_the_example_in_the_staff_guide_reads(tmp_path: Path) -> None:
    guide = (ROOT / "docs" / "catalogue.md").read_text(encoding="utf-8")
    example = guide.split("```text\n", 1)[1].split("```", 1)[0]
    first, second = read_catalogue(write(tmp_path, example), demo_config())
    assert (first.code, first.return_place, second.department) == ("2.000635", "Quầy 7", "cong-an")
    assert second.fee == "Cấp lần đầu: miễn phí; cấp đổi: 50.000 đồng/thẻ"
    assert [d.name for d in second.documents] == [
        "Tờ khai căn cước (mẫu CC01)",
        "Thẻ căn cước công dân cũ, khi cấp đổi",
    ]
