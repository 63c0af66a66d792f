"""A bilingual glossary of digital-transformation plan vocabulary (English -> Vietnamese).

English questions are matched against Vietnamese plans by adding the Vietnamese
terms of the English phrases they contain: BM25 then finds the passage, and the
answer picks the clause that holds those terms. The vocabulary is that of the
national programme (Decision 749/QĐ-TTg) which every provincial plan follows, not
of any one plan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# Longer phrases first is not required: every phrase that occurs contributes.
GLOSSARY: dict[str, tuple[str, ...]] = {
    # pillars and programme
    "digital transformation": ("chuyển đổi số",),
    "digital government": ("chính quyền số", "chính phủ số"),
    "e-government": ("chính quyền điện tử", "chính phủ điện tử"),
    "electronic government": ("chính quyền điện tử",),
    "digital economy": ("kinh tế số",),
    "digital society": ("xã hội số",),
    "digital infrastructure": ("hạ tầng số",),
    "digital platform": ("nền tảng số",),
    "pillar": ("trụ cột",),
    "plan": ("kế hoạch",),
    "programme": ("chương trình",),
    "program": ("chương trình",),
    "vision": ("tầm nhìn", "định hướng"),
    "orientation": ("định hướng",),
    "target": ("mục tiêu", "chỉ tiêu"),
    "goal": ("mục tiêu",),
    "aim": ("mục tiêu", "phấn đấu"),
    "become": ("trở thành",),
    "objective": ("mục tiêu",),
    "indicator": ("chỉ tiêu",),
    "task": ("nhiệm vụ",),
    "solution": ("giải pháp",),
    "priority": ("ưu tiên",),
    "prioritize": ("ưu tiên",),
    "prioritise": ("ưu tiên",),
    "sector": ("lĩnh vực", "ngành"),
    "field": ("lĩnh vực",),
    "area": ("lĩnh vực",),
    "industry": ("ngành", "công nghiệp"),
    "ranking": ("xếp hạng",),
    "rank": ("xếp hạng", "vị trí"),
    "top": ("top", "dẫn đầu"),
    "leading": ("dẫn đầu",),
    # economy
    "grdp": ("grdp",),
    "gdp": ("grdp",),
    "share": ("tỷ trọng", "chiếm"),
    "proportion": ("tỷ trọng", "tỷ lệ"),
    "percentage": ("tỷ lệ",),
    "rate": ("tỷ lệ",),
    "labour productivity": ("năng suất lao động",),
    "labor productivity": ("năng suất lao động",),
    "productivity": ("năng suất lao động",),
    "growth": ("tăng trưởng", "tăng"),
    "annual": ("hàng năm",),
    "enterprise": ("doanh nghiệp",),
    "business": ("doanh nghiệp", "kinh doanh"),
    "company": ("doanh nghiệp", "công ty"),
    "sme": ("doanh nghiệp vừa và nhỏ",),
    "small and medium": ("vừa và nhỏ",),
    "e-commerce": ("thương mại điện tử",),
    "electronic commerce": ("thương mại điện tử",),
    "e-contract": ("hợp đồng điện tử",),
    "electronic contract": ("hợp đồng điện tử",),
    "competitiveness": ("năng lực cạnh tranh", "chỉ số cạnh tranh"),
    "pci": ("pci", "chỉ số cạnh tranh"),
    "cashless": ("không dùng tiền mặt",),
    "non-cash": ("không dùng tiền mặt",),
    # payments
    "e-payment": ("thanh toán điện tử",),
    "epayment": ("thanh toán điện tử",),
    "electronic payment": ("thanh toán điện tử",),
    "digital payment": ("thanh toán điện tử",),
    "online payment": ("thanh toán điện tử", "thanh toán trực tuyến"),
    "payment": ("thanh toán",),
    "account": ("tài khoản",),
    "fee": ("phí", "lệ phí"),
    "budget": ("ngân sách", "kinh phí"),
    "funding": ("kinh phí", "nguồn vốn"),
    "cost": ("kinh phí", "chi phí"),
    # society and infrastructure
    "population": ("dân số",),
    "people": ("người dân",),
    "citizen": ("người dân",),
    "resident": ("người dân",),
    "adult": ("người trưởng thành", "dân số trưởng thành"),
    "home": ("hộ gia đình",),
    "fibre": ("cáp quang",),
    "fiber": ("cáp quang",),
    "optical": ("cáp quang",),
    "broadband": ("băng rộng", "băng thông rộng"),
    "internet": ("internet", "mạng"),
    "coverage": ("phủ", "phủ sóng"),
    "cover": ("phủ",),
    "mobile": ("di động",),
    "4g": ("4g",),
    "5g": ("5g",),
    "smartphone": ("điện thoại di động thông minh", "smartphone"),
    "smart phone": ("điện thoại di động thông minh",),
    "digital skills": ("kỹ năng số",),
    "digital signature": ("chữ ký số",),
    "e-signature": ("chữ ký số", "chữ ký điện tử"),
    "electronic signature": ("chữ ký điện tử",),
    "signature": ("chữ ký số",),
    "information security": ("an toàn thông tin",),
    "cybersecurity": ("an toàn thông tin mạng", "an ninh mạng"),
    "cyber security": ("an toàn thông tin mạng",),
    "security": ("an toàn thông tin",),
    "cloud": ("điện toán đám mây",),
    "data": ("dữ liệu",),
    "database": ("cơ sở dữ liệu",),
    "shared database": ("cơ sở dữ liệu dùng chung",),
    "open data": ("dữ liệu mở",),
    "digitize": ("số hóa",),
    "digitise": ("số hóa",),
    "digitization": ("số hóa",),
    "digitisation": ("số hóa",),
    "smart city": ("đô thị thông minh",),
    "smart": ("thông minh",),
    "health": ("y tế", "sức khỏe"),
    "healthcare": ("y tế",),
    "health record": ("hồ sơ sức khỏe điện tử",),
    "medical record": ("hồ sơ bệnh án",),
    "telemedicine": ("khám chữa bệnh từ xa",),
    "remote": ("từ xa",),
    "hospital": ("bệnh viện", "cơ sở y tế"),
    "education": ("giáo dục",),
    "school": ("cơ sở giáo dục", "trường"),
    "vocational": ("giáo dục nghề nghiệp",),
    "college": ("cao đẳng",),
    "agriculture": ("nông nghiệp",),
    "tourism": ("du lịch",),
    "transport": ("giao thông vận tải",),
    "transportation": ("giao thông vận tải",),
    "logistics": ("logistics",),
    "environment": ("môi trường", "tài nguyên môi trường"),
    "natural resources": ("tài nguyên",),
    "energy": ("năng lượng",),
    "finance": ("tài chính",),
    "banking": ("ngân hàng",),
    "manufacturing": ("sản xuất công nghiệp",),
    "new rural": ("nông thôn mới",),
    # government services
    "public service": ("dịch vụ công",),
    "online public service": ("dịch vụ công trực tuyến",),
    "online service": ("dịch vụ công trực tuyến",),
    "online": ("trực tuyến", "môi trường mạng"),
    "level 4": ("mức độ 4", "mức 4"),
    "level 3": ("mức độ 3", "mức 3"),
    "level-4": ("mức độ 4", "mức 4"),
    "administrative procedure": ("thủ tục hành chính",),
    "procedure": ("thủ tục",),
    "dossier": ("hồ sơ",),
    "record": ("hồ sơ",),
    "application": ("hồ sơ", "ứng dụng"),
    "work record": ("hồ sơ công việc",),
    "processed online": ("xử lý trên môi trường mạng",),
    "network environment": ("môi trường mạng",),
    "satisfaction": ("hài lòng",),
    "satisfied": ("hài lòng",),
    "meeting": ("cuộc họp",),
    "video conference": ("hội nghị truyền hình",),
    "videoconference": ("hội nghị truyền hình",),
    "report": ("báo cáo",),
    "reporting": ("chế độ báo cáo",),
    "authentication": ("xác thực điện tử",),
    "authenticated": ("xác thực",),
    "transaction": ("giao dịch",),
    "inspection": ("kiểm tra",),
    "one-stop": ("một cửa", "1 cửa"),
    "install": ("lắp đặt", "cài đặt"),
    "deploy": ("triển khai",),
    "implement": ("triển khai", "thực hiện"),
    "implementation": ("triển khai", "thực hiện"),
    "build": ("xây dựng",),
    "construct": ("xây dựng",),
    "connect": ("kết nối",),
    "connected": ("kết nối",),
    "connection": ("kết nối",),
    "sharing": ("chia sẻ",),
    "provide": ("cung cấp",),
    "offer": ("cung cấp",),
    "training": ("đào tạo",),
    "train": ("đào tạo",),
    "human resources": ("nguồn nhân lực",),
    "workforce": ("nguồn nhân lực", "người lao động"),
    "skill": ("kỹ năng",),
    "technology": ("công nghệ",),
    "information technology": ("công nghệ thông tin",),
    "ict": ("cntt", "công nghệ thông tin", "ict"),
    "infrastructure": ("hạ tầng",),
    "network": ("mạng",),
    "platform": ("nền tảng",),
    "system": ("hệ thống",),
    "portal": ("cổng",),
    "software": ("phần mềm",),
    "integrate": ("tích hợp",),
    "integration": ("tích hợp",),
    "locality": ("địa phương",),
    "localities": ("địa phương",),
    "ministry": ("bộ",),
    "ministries": ("bộ",),
    "decision": ("quyết định",),
    "prime minister": ("thủ tướng",),
    "people's committee": ("ubnd", "ủy ban nhân dân"),
    "chairman": ("chủ tịch",),
    "chairwoman": ("chủ tịch",),
    "vice chairman": ("phó chủ tịch",),
    "fraction": ("tỷ lệ",),
    "group": ("nhóm",),
    "approve": ("phê duyệt",),
    "approval": ("phê duyệt",),
    "approved": ("phê duyệt",),
    "issue": ("ban hành",),
    "issued": ("ban hành",),
    "scheme": ("đề án",),
    "project": ("đề án", "dự án"),
    "period": ("giai đoạn",),
    "phase": ("giai đoạn",),
    "date": ("ngày",),
    "month": ("tháng",),
    "monthly": ("hàng tháng",),
    "per month": ("hàng tháng",),
    "trial": ("thí điểm",),
    "trialling": ("thí điểm",),
    "trialing": ("thí điểm",),
    "replicate": ("nhân rộng",),
    "scale up": ("nhân rộng",),
    "roll out": ("nhân rộng", "triển khai"),
    "evaluate": ("đánh giá",),
    "evaluation": ("đánh giá",),
    "assess": ("đánh giá",),
    "assessment": ("đánh giá",),
    "measure": ("đo lường", "giải pháp"),
    "document": ("văn bản", "tài liệu"),
    "e-signed": ("chữ ký số",),
    "signed": ("chữ ký số", "ký"),
    "tourist": ("du khách",),
    "visitor": ("du khách",),
    "internet access": ("wifi", "internet"),
    "centre": ("trung tâm",),
    "center": ("trung tâm",),
    "heart": ("trung tâm",),
    "video conferencing": ("hội nghị truyền hình",),
    "dedicated": ("chuyên dùng",),
    "data network": ("mạng truyền số liệu",),
    "publicise": ("tuyên truyền", "phổ biến"),
    "publicize": ("tuyên truyền", "phổ biến"),
    "promote": ("tuyên truyền", "thúc đẩy"),
    "media": ("phương tiện thông tin đại chúng", "truyền thông"),
    "communication": ("truyền thông",),
    "reward": ("tôn vinh", "khen thưởng"),
    "honour": ("tôn vinh",),
    "honor": ("tôn vinh",),
    "success story": ("câu chuyện thành công", "gương thành công"),
    "roadmap": ("lộ trình",),
    "urgently": ("khẩn trương",),
    "press ahead": ("khẩn trương", "đẩy nhanh"),
    "speed up": ("đẩy nhanh",),
    "support programme": ("chương trình hỗ trợ",),
    "support program": ("chương trình hỗ trợ",),
    "support": ("hỗ trợ",),
    "join": ("tham gia",),
    "participate": ("tham gia",),
    "take part": ("tham gia",),
    "complete": ("hoàn thành", "hoàn thiện"),
    "finish": ("hoàn thành",),
    "money": ("kinh phí", "ngân sách", "vốn"),
    "earmark": ("bố trí", "kinh phí"),
    "allocate": ("bố trí", "phân bổ"),
    "fund": ("kinh phí", "nguồn vốn"),
    "statistics": ("thống kê",),
    "statistical": ("thống kê",),
    "mechanism": ("cơ chế",),
    "policy": ("chính sách",),
    "regulation": ("quy định", "văn bản quy phạm pháp luật"),
    "legal": ("pháp lý", "pháp luật"),
    "private sector": ("khu vực tư nhân",),
    "telecom": ("viễn thông",),
    "telecommunication": ("viễn thông",),
    "base station": ("trạm phát sóng", "trạm bts"),
    "coverage area": ("phủ sóng",),
    "household": ("hộ gia đình",),
    "leader": ("lãnh đạo", "người đứng đầu"),
    "head": ("người đứng đầu", "lãnh đạo"),
    "responsibility": ("trách nhiệm",),
    "responsible": ("trách nhiệm", "chủ trì"),
    "in charge": ("chủ trì", "phụ trách"),
    "lead": ("chủ trì",),
    "direct": ("trực tiếp",),
    "directly": ("trực tiếp",),
    "coordinate": ("phối hợp",),
    "official": ("cán bộ", "công chức"),
    "civil servant": ("cán bộ, công chức",),
    "email": ("thư điện tử",),
    "department": ("sở",),
    "agency": ("cơ quan", "sở"),
    "commune": ("xã",),
    "district": ("huyện",),
    "province": ("tỉnh",),
    "provincial": ("cấp tỉnh", "tỉnh"),
    "hamlet": ("ấp", "khu phố"),
    "pilot": ("thí điểm", "mô hình"),
    "model": ("mô hình",),
    "camera": ("camera",),
    "wifi": ("wifi",),
    "ict index": ("ict index",),
    "national": ("quốc gia",),
    "national portal": ("cổng dịch vụ công quốc gia",),
    "lgsp": ("lgsp",),
    "integration platform": ("nền tảng tích hợp",),
    "document management": ("quản lý văn bản",),
    "operations center": ("trung tâm điều hành",),
    "operation center": ("trung tâm điều hành",),
    # time
    "by 2025": ("đến năm 2025",),
    "by 2030": ("đến năm 2030",),
    "year": ("năm",),
    "per year": ("hàng năm",),
    "each year": ("hàng năm",),
    "at least": ("tối thiểu",),
    "minimum": ("tối thiểu",),
    "each": ("từng",),
    "every": ("từng",),
    "file": ("hồ sơ",),
    "work file": ("hồ sơ công việc",),
    "processed": ("xử lý",),
    "handled": ("xử lý", "giải quyết"),
    "develop": ("phát triển",),
    "development": ("phát triển",),
    "invest": ("đầu tư",),
    "investment": ("đầu tư",),
    "propaganda": ("tuyên truyền",),
    "awareness": ("nhận thức", "tuyên truyền"),
    "more than": ("trên", "hơn"),
    "over": ("trên",),
}

@lru_cache(maxsize=1)
def _phrases() -> list[tuple[re.Pattern[str], tuple[str, ...]]]:
    out = []
    for en, vi in GLOSSARY.items():
        # plural and verb endings allowed on the last word; hyphen and space interchangeable
        body = r"[\s\-]?".join(re.escape(w) for w in re.split(r"[\s\-]+", en))
        out.append((re.compile(rf"(?<![a-z0-9]){body}(?:e?s|e?d|ing)?(?![a-z0-9])"), vi))
    return out


# Function words and question words of English questions: they say nothing a plan states.
ENGLISH_STOPWORDS = frozenset("""
a an the of for to in on at by with from into about as and or nor but not no yes if than then
what which who whom whose when where why how is are was were be been being do does did done have has
had will would shall should can could may might must this that these those it its it's their there
they them he she his her we our you your i me my much many more most less least any some all each
per such other same so very just also only up down out over under again further once
plan plans province province's provinces provincial state states stated say says said set sets
set out aim aims target targets goal goals figure level number percent percentage share rate how's
what's tell give list name mention mentioned according under within between among against
highest lowest most least largest smallest biggest higher lower greater larger smaller fewer
compare compared comparison versus ambitious use using
""".split())


@dataclass(frozen=True)
class Translation:
    """What the glossary makes of an English question."""

    # For each English phrase, the Vietnamese terms that translate it (any one will do).
    # A phrase inside a longer matched one ("service" in "online public service") is
    # left out: the longer one says it better.
    matches: tuple[tuple[str, ...], ...]
    # Content words no phrase covers ("blockchain"). They count when judging an answer,
    # at a lower weight, since the glossary cannot know every way of putting a plan's words.
    untranslated: tuple[str, ...]

    @property
    def terms(self) -> list[str]:
        """Every Vietnamese term, flat and without repeats."""
        return list(dict.fromkeys(v for alternatives in self.matches for v in alternatives))


def translate(english: str) -> Translation:
    """The glossary's Vietnamese for an English question (one pass over its phrases)."""
    text = english.lower().replace("’", "'")
    spans = [(m.start(), m.end(), vi) for pattern, vi in _phrases() for m in pattern.finditer(text)]
    kept = [s for s in spans
            if not any(o[0] <= s[0] and s[1] <= o[1] and (o[1] - o[0]) > (s[1] - s[0]) for o in spans)]
    by_span: dict[tuple[int, int], list[str]] = {}  # "ranking" matched as "ranking" and "rank"+"ing": one phrase
    for start, end, vi in sorted(kept, key=lambda k: (k[0], k[1])):
        alternatives = by_span.setdefault((start, end), [])
        alternatives.extend(v for v in vi if v not in alternatives)
    matches: list[tuple[str, ...]] = []
    for alternatives in by_span.values():
        if tuple(alternatives) not in matches:
            matches.append(tuple(alternatives))
    untranslated: list[str] = []
    for m in re.finditer(r"[a-z][a-z\-]*[a-z]", text):
        word = m.group(0)
        if word in ENGLISH_STOPWORDS or any(a <= m.start() < b for a, b, _ in spans):
            continue
        word = word[:-2] if word.endswith("'s") else word
        if len(word) > 2 and word not in untranslated:
            untranslated.append(word)
    return Translation(tuple(matches), tuple(untranslated))


#: Abbreviations plans use for their own vocabulary ("CĐS" for chuyển đổi số):
#: indexed and matched as the words they stand for too.
ABBREVIATIONS: dict[str, str] = {
    "cđs": "chuyển đổi số",
    "cntt": "công nghệ thông tin",
    "tt&tt": "thông tin và truyền thông",
    "ubnd": "ủy ban nhân dân",
    "dn": "doanh nghiệp",
    "cqđt": "chính quyền điện tử",
    "cqs": "chính quyền số",
    "dvc": "dịch vụ công",
    "dvctt": "dịch vụ công trực tuyến",
    "tthc": "thủ tục hành chính",
    "csdl": "cơ sở dữ liệu",
    "attt": "an toàn thông tin",
    "thpt": "trung học phổ thông",
    "grdp": "tổng sản phẩm trên địa bàn",
    "tmđt": "thương mại điện tử",
}


def expand_abbreviations(tokens: list[str]) -> list[str]:
    """The words of the known abbreviations among lower-cased tokens."""
    out: list[str] = []
    for token in tokens:
        expansion = ABBREVIATIONS.get(token)
        if expansion:
            out.append(expansion)
    return out
