"""Procedures of the dossier tests' catalogue: the ID card (police) and a civil-status extract."""

from __future__ import annotations

from shared.domain.procedures import Procedure, RequiredDocument

CAN_CUOC = Procedure(
    code="2.000200",
    name="Cấp thẻ căn cước",
    field="Căn cước",
    department="cong-an",
    legal_days=7,
    fee="Lần đầu miễn phí",
    documents=(RequiredDocument("Tờ khai căn cước", "Bản chính", 1),),
    return_place="Quầy trả kết quả, tầng 1",
    service="can-cuoc",
)
TRICH_LUC = Procedure(
    code="2.000635",
    name="Cấp bản sao trích lục hộ tịch",
    field="Hộ tịch",
    department="tu-phap",
    legal_days=0,
    fee="8.000 đồng/bản",
    documents=(RequiredDocument("Tờ khai", "Bản chính", 1),),
    service="ho-tich",
)
PROCEDURES = [CAN_CUOC, TRICH_LUC]
