"""Checks on real published PDFs in ../shared/realdocs (skipped where that folder is absent).

Only behaviour is asserted (no crash, image-only reported); no real text enters the project.
"""

from __future__ import annotations

import pytest

from svnlp.errors import DocumentError, ImageOnlyPdfError
from svnlp.extract import extract
from svnlp.segment import segment_pages

from .conftest import shared_or_skip

pytestmark = [pytest.mark.realdocs, pytest.mark.slow]

# A spread of layouts: a browser print, a two-column briefing, tables, a long strategy.
SAMPLE = [
    "west_sussex_jsna/pdf/2024_11_Child_Poverty_V2.pdf",
    "west_sussex_jsna/pdf/Final-JHWS-2019-2024.pdf",
    "west_sussex_jsna/pdf/District_percentage_change_wsx_2016.pdf",
    "nhs_icb_prescribing_and_ifr/Commissioning-policy-individual-funding-requests-v3.pdf",
    "nhs_data_reports/Digital, data and analytics - Annual Impact Report 2023_24 - "
    "Transformation Partners in Health and Care.pdf",
]


@pytest.mark.parametrize("relative", SAMPLE)
def test_real_pdfs_extract_and_split_without_crashing(relative):
    path = shared_or_skip("realdocs", relative)
    try:
        document = extract(path)
    except DocumentError as error:  # refusing with a reason is allowed; crashing is not
        assert error.reason and str(path) in str(error)
        return
    passages = segment_pages(document.pages)
    pages = {page.number: page for page in document.pages}
    for passage in passages:
        assert pages[passage.page].text[passage.start : passage.end] == passage.text


def test_the_image_only_real_pdf_is_reported_as_needing_ocr():
    path = shared_or_skip("realdocs", "west_sussex_jsna", "pdf", "CYP-Outcomes-July-2023.pdf")
    with pytest.raises(ImageOnlyPdfError, match="needs OCR"):
        extract(path)
