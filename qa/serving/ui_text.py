"""Every string the chat shows, in Vietnamese (the default) and English.

Kept apart from ``app.py`` so that a translator edits one table and a test can check
that both languages define the same keys. Placeholders use ``str.format`` names.
"""

from __future__ import annotations

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"

#: Names of the languages, written in that language (the selector shows these).
LANG_NAMES = {"vi": "Tiếng Việt", "en": "English"}

TEXT: dict[str, dict[str, str]] = {
    "vi": {
        "page_title": "Hỏi đáp kế hoạch chuyển đổi số",
        "app_title": "Hỏi đáp kế hoạch chuyển đổi số",
        "app_subtitle": (
            "Đặt câu hỏi về kế hoạch chuyển đổi số của các tỉnh. Mỗi câu trả lời "
            "đều dẫn nguồn là đoạn văn trong kế hoạch."
        ),
        "widget_title": "Hỏi đáp kế hoạch",
        "language": "Ngôn ngữ",
        "settings": "Tùy chọn",
        "province": "Tỉnh/thành phố",
        "all_provinces": "Tất cả các tỉnh",
        "asking_about": "Đang hỏi về: {province}",
        "unknown_province": (
            "Bộ tài liệu không có kế hoạch của «{province}»; câu hỏi sẽ được tìm trong tất cả các tỉnh."
        ),
        "n_sources": "Số nguồn",
        "mode": "Chế độ tìm kiếm",
        "mode_help": "Dành cho người đánh giá: hybrid kết hợp BM25 (từ khóa) và dense (ngữ nghĩa).",
        "documents": "Tài liệu đã lập chỉ mục ({n})",
        "n_chunks": "{n} đoạn",
        "new_chat": "Cuộc trò chuyện mới",
        "feedback_export": "Tải phản hồi (CSV)",
        "feedback_export_help": "Mọi đánh giá 👍/👎 và góp ý đã lưu, mở được bằng Excel.",
        "loading": "Đang tải chỉ mục tài liệu…",
        "question_empty": "Câu hỏi đang trống: hãy nhập một câu hỏi về các kế hoạch.",
        "question_no_words": "Câu hỏi không có chữ nào: hãy nhập một câu hỏi về các kế hoạch.",
        "question_too_long": "Câu hỏi dài {length:,} ký tự; hãy hỏi ngắn gọn trong tối đa {limit:,} ký tự.",
        "waiting": "Đang chờ chỉ mục (một phiên khác đang xây dựng)…",
        "progress": "{stage}: {done}/{total}",
        "ready": "Đã sẵn sàng: {n} tài liệu",
        "failed": "Không mở được bộ tài liệu",
        "err_no_documents": (
            "Chưa có tài liệu nào để trả lời. Hãy đặt các tệp .txt, .pdf, .docx, .html "
            "hoặc .md vào thư mục `documents/` rồi chạy `python -m qa index`."
        ),
        "err_broken_index": (
            "Chỉ mục bị hỏng và không tự xây dựng lại được. Hãy xóa thư mục `index/` "
            "rồi chạy `python -m qa index`."
        ),
        "err_setup": "Không mở được trợ lý. Kiểm tra cấu hình (biến môi trường QA_*) rồi tải lại trang.",
        "input_placeholder": "Đặt câu hỏi về các kế hoạch…",
        "examples_title": "Thử một câu hỏi:",
        "thinking": "Đang tìm trong các kế hoạch…",
        "cited_sources": "Nguồn được trích dẫn",
        "cited_badge": "được trích dẫn",
        "passage": "Đoạn trích",
        "doc_number": "Số {number}",
        "open_document_named": "Xem toàn văn: {title}",
        "copy": "Sao chép",
        "copied": "Đã sao chép",
        "you": "Hỏi",
        "assistant": "Trả lời",
        "understood": "Hiểu là: {text}",
        "download_conversation": "Tải cuộc trò chuyện (Markdown)",
        "feedback_label": "Câu trả lời này có hữu ích không?",
        "feedback_up": ":material/thumb_up: Hữu ích",
        "feedback_down": ":material/thumb_down: Chưa đúng",
        "admin": "Quản trị",
        "admin_token": "Mã quản trị",
        "admin_refused": "Mã quản trị không đúng: chỉ quản trị viên mới tải được phản hồi.",
        "related": "Liên quan",
        "related_help": "Những đoạn gần nhất với câu hỏi; chúng không trả lời câu hỏi.",
        "abstain_notice": "Các kế hoạch trong bộ tài liệu không nêu thông tin này.",
        "open_document": "Xem toàn văn",
        "document_title": "Toàn văn tài liệu",
        "jump_to_passage": "↓ Đến đoạn được trích",
        "no_province": "Không rõ tỉnh",
        "timing": "Trả lời trong {seconds:.1f} giây",
        "feedback_comment": "Góp ý thêm (không bắt buộc)",
        "feedback_comment_placeholder": "Điều gì chưa đúng hoặc còn thiếu? Nhấn Enter để gửi.",
        "feedback_thanks": "Cảm ơn bạn đã đánh giá.",
        "feedback_comment_saved": "Đã lưu góp ý.",
        "stage_scan": "Đọc tài liệu",
        "stage_load": "Đọc tài liệu",
        "stage_read": "Đọc tài liệu",
        "stage_clean": "Làm sạch văn bản",
        "stage_chunk": "Chia đoạn",
        "stage_embed": "Tính vector ngữ nghĩa",
        "stage_units": "Tính vector của từng câu",
        "stage_index": "Lập chỉ mục",
        "stage_bm25": "Lập chỉ mục từ khóa",
    },
    "en": {
        "page_title": "Digital-transformation plans Q&A",
        "app_title": "Digital-transformation plans Q&A",
        "app_subtitle": (
            "Ask about the provinces' digital-transformation plans. Every answer cites "
            "the passages of the plans it comes from."
        ),
        "widget_title": "Ask the plans",
        "language": "Language",
        "settings": "Options",
        "province": "Province",
        "all_provinces": "All provinces",
        "asking_about": "Asking about: {province}",
        "unknown_province": (
            "The collection has no plan of “{province}”; questions search all provinces."
        ),
        "n_sources": "Number of sources",
        "mode": "Retrieval mode",
        "mode_help": "For evaluators: hybrid combines BM25 (keywords) and dense (meaning).",
        "documents": "Indexed documents ({n})",
        "n_chunks": "{n} passages",
        "new_chat": "New conversation",
        "feedback_export": "Download feedback (CSV)",
        "feedback_export_help": "Every 👍/👎 rating and comment stored so far; opens in Excel.",
        "loading": "Loading the document index…",
        "question_empty": "The question is empty: type a question about the plans.",
        "question_no_words": "The question has no words: type a question about the plans.",
        "question_too_long": "The question is {length:,} characters long; ask in at most {limit:,} characters.",
        "waiting": "Waiting for the index (another session is building it)…",
        "progress": "{stage}: {done}/{total}",
        "ready": "Ready: {n} documents",
        "failed": "Could not open the document collection",
        "err_no_documents": (
            "There are no documents to answer from. Put .txt, .pdf, .docx, .html or .md "
            "files in the `documents/` folder and run `python -m qa index`."
        ),
        "err_broken_index": (
            "The index is broken and could not be rebuilt. Delete the `index/` folder "
            "and run `python -m qa index`."
        ),
        "err_setup": "The assistant could not start. Check the configuration (QA_* variables) and reload.",
        "input_placeholder": "Ask about the plans…",
        "examples_title": "Try a question:",
        "thinking": "Searching the plans…",
        "cited_sources": "Cited sources",
        "cited_badge": "cited",
        "passage": "Passage",
        "doc_number": "No. {number}",
        "open_document_named": "Open full document: {title}",
        "copy": "Copy",
        "copied": "Copied",
        "you": "Question",
        "assistant": "Answer",
        "understood": "Understood as: {text}",
        "download_conversation": "Download this conversation (Markdown)",
        "feedback_label": "Was this answer helpful?",
        "feedback_up": ":material/thumb_up: Helpful",
        "feedback_down": ":material/thumb_down: Not right",
        "admin": "Administration",
        "admin_token": "Administrator token",
        "admin_refused": "Wrong administrator token: only administrators can download the feedback.",
        "related": "Related",
        "related_help": "The passages closest to the question; they do not answer it.",
        "abstain_notice": "The plans in the collection do not state this.",
        "open_document": "Open full document",
        "document_title": "Full document",
        "jump_to_passage": "↓ Go to the cited passage",
        "no_province": "Province unknown",
        "timing": "Answered in {seconds:.1f} s",
        "feedback_comment": "Comment (optional)",
        "feedback_comment_placeholder": "What was wrong or missing? Press Enter to send.",
        "feedback_thanks": "Thank you for rating this answer.",
        "feedback_comment_saved": "Comment saved.",
        "stage_scan": "Reading documents",
        "stage_load": "Reading documents",
        "stage_read": "Reading documents",
        "stage_clean": "Cleaning text",
        "stage_chunk": "Splitting into passages",
        "stage_embed": "Computing embeddings",
        "stage_units": "Computing sentence embeddings",
        "stage_index": "Indexing",
        "stage_bm25": "Keyword index",
    },
}

#: Questions offered as buttons on an empty chat; they name provinces of the bundled
#: collection, so each one has an answer (both languages are asked in both interfaces).
EXAMPLES: dict[str, list[str]] = {
    "vi": [
        "Mục tiêu thanh toán điện tử của Hà Tĩnh đến năm 2025?",
        "Quảng Nam ưu tiên chuyển đổi số những lĩnh vực nào?",
        "Đồng Nai cung cấp dịch vụ công trực tuyến mức 4 khi nào?",
        "What is Đồng Nai's digital economy target for 2025?",
    ],
    "en": [
        "What is Hà Tĩnh's 2025 e-payment target?",
        "What is Đồng Nai's digital economy target for 2025?",
        "Which sectors does Quảng Nam prioritise for digital transformation?",
        "Mục tiêu thanh toán điện tử của Hà Tĩnh đến năm 2025?",
    ],
}

#: With a province filter (a portal's widget is usually set to its own province), the
#: examples above would mostly name other provinces and find nothing; these ask about
#: the filtered province instead.
PROVINCE_EXAMPLES: dict[str, list[str]] = {
    "vi": [
        "Mục tiêu chuyển đổi số của {province} đến năm 2025 là gì?",
        "{province} ưu tiên chuyển đổi số những lĩnh vực nào?",
        "Chỉ tiêu về dịch vụ công trực tuyến của {province}?",
    ],
    "en": [
        "What are {province}'s digital-transformation targets for 2025?",
        "Which sectors does {province} prioritise for digital transformation?",
        "What are {province}'s online public service targets?",
    ],
}


def examples(lang: str, province: str | None = None) -> list[str]:
    """The example questions to offer, about ``province`` when the chat is filtered to one."""
    lang = lang if lang in LANGS else DEFAULT_LANG
    if province:
        return [template.format(province=province) for template in PROVINCE_EXAMPLES[lang]]
    return list(EXAMPLES[lang])


def normalise_lang(value: str | None) -> str:
    """A supported language code from a query parameter or header (``"EN-us"`` -> ``"en"``)."""
    code = (value or "").strip().lower()[:2]
    return code if code in LANGS else DEFAULT_LANG


def t(lang: str, key: str, **values: object) -> str:
    """The string ``key`` in ``lang``, filled with ``values``.

    Falls back to Vietnamese for an unknown language; a missing key is a bug and
    raises ``KeyError`` (the test suite checks both tables have the same keys).
    """
    table = TEXT.get(lang, TEXT[DEFAULT_LANG])
    text = table[key]
    return text.format(**values) if values else text


def stage_label(lang: str, stage: str) -> str:
    """A readable name for an index-build stage reported by ``Assistant.open``."""
    key = "stage_" + stage.strip().lower()
    return t(lang, key) if key in TEXT[DEFAULT_LANG] else stage
