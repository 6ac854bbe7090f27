"""The manifest's data model (format version 1); pydantic validates it and emits its JSON Schema.

One module on purpose (over 500 lines): it is the manifest's public contract, read whole beside
docs/manifest.md, and every key added since version 1 lands here as an optional field.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Union, Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, WithJsonSchema, model_validator

SLUG = r"^[a-z0-9][a-z0-9-]*$"
_FULL_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


def _parse_date(value: object) -> object:
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    m = _FULL_DATE.match(text)
    if not m:
        raise ValueError(f"'{text}' is not a date; write it as YYYY-MM-DD, e.g. 2026-11-20")
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError as e:
        raise ValueError(f"'{text}' is not a real date ({e}); check the day and month") from None


def _parse_partial(value: object) -> object:
    text = str(value).strip()
    m = _PARTIAL_DATE.match(text)
    if not m:
        raise ValueError(f"'{text}' is not a date; write YYYY-MM-DD, YYYY-MM or YYYY")
    year, month, day = int(m[1]), int(m[2] or 1), int(m[3] or 1)
    try:
        dt.date(year, month, day)
    except ValueError as e:
        raise ValueError(f"'{text}' is not a real date ({e}); check the day and month") from None
    return text


def _parse_bool(value: object) -> object:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "false"):
        return text == "true"
    raise ValueError(f"'{value}' is not true or false; write true or false")


def _version(value: object) -> object:
    text = str(value).strip()
    return int(text) if text.isdigit() else value


def _lines(value: object) -> object:
    return [value] if isinstance(value, str) else value


def _as_text(value: object) -> object:
    # Scalars arrive as written; a number-looking value in a text field stays text.
    if isinstance(value, str) and not value.strip():
        return ""  # blank text is empty text: min_length then names it
    return value if value is None or isinstance(value, (str, list, dict)) else str(value)


Date = Annotated[dt.date, BeforeValidator(_parse_date),
                 Field(json_schema_extra={"type": "string", "format": "date"})]
PartialDate = Annotated[str, BeforeValidator(_parse_partial),
                        Field(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")]
Bool = Annotated[bool, BeforeValidator(_parse_bool)]
Text = Annotated[str, BeforeValidator(_as_text), Field(min_length=1)]
Id = Annotated[str, Field(pattern=SLUG, max_length=64)]
Lines = Annotated[list[Text], Field(min_length=1)]


def _lenient(info: ValidationInfo) -> bool:
    """Validating a manifest whose refused values repair.py set aside: an item's own check,
    already reported, stands aside so that the rest of the manifest is checked."""
    return bool(info.context and info.context.get("lenient"))


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, str_strip_whitespace=False, defer_build=True)


def is_minor(birth: dt.date | None, on: dt.date) -> bool:
    """Under 18 on *on* (a 29 February birthday counts from 1 March in common years)."""
    if birth is None:
        return False
    age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    return age < 18


def birth_date_private(birth: dt.date | None, on: dt.date) -> bool:
    """A minor's full date of birth: lint's privacy rule advises against repeating it, so
    parolekit's own pages print only the year (a date after *on* is a typo lint reports instead)."""
    return birth is not None and is_minor(birth, on) and birth <= on


class Beneficiary(Strict):
    name: Text
    birth_date: Date | None = None
    citizenship: Text | None = None
    a_number: Annotated[str, Field(pattern=r"^A?-?\d{3}-?\d{3}-?\d{3}$")] | None = None


class Person(Strict):
    name: Text
    relationship: Text | None = None
    title: Text | None = Field(None, description="How the packet names them, e.g. Petitioner (the default), "
                               "Qualifying Relative")
    address: Lines | None = None
    phone: Text | None = None
    email: Text | None = None


class Representative(Strict):
    name: Text
    firm: Text | None = None
    address: Lines | None = None
    phone: Text | None = None
    email: Text | None = None
    bar_number: Text | None = Field(None, description="Bar number or EOIR ID, printed under the signature")
    title: Text | None = Field(None, description="The signer's title under their name, e.g. Attorney for "
                               "Petitioner, DOJ Accredited Representative; default by case kind")


class Recipient(Strict):
    name: Text
    address: Lines | None = None


class Court(Strict):
    """An immigration court filing's caption: what the ICPM cover page prints."""

    judge: Text = Field(description="The Immigration Judge, e.g. Jane Doe (printed 'Immigration Judge Jane Doe')")
    hearing_date: Date = Field(description="The next hearing's date")
    hearing_time: Annotated[str, Field(pattern=r"^\d{1,2}:\d{2}( ?[AaPp][Mm])?$")] | None = None
    hearing_type: Literal["master", "individual"] = Field(description="master calendar or individual hearing")
    detained: Bool = Field(False, description="The respondent is detained: 'DETAINED' top right of the cover page")
    location: Text = Field(description="The court's city and state, e.g. Chicago, Illinois")
    respondents: list[Annotated[int, Field(ge=1)]] = Field(
        [], description="Which beneficiaries (1-based) are the respondents; default all of them")


CaseKind = Literal["humanitarian-parole", "reparole", "asylum", "waiver", "other"]
Reason = Literal["medical", "family", "safety", "public-benefit", "legal-proceedings", "other"]


class CaseDetails(Strict):
    """The manifest's `case:` section (not to be confused with manifest.Case, the loaded file)."""

    title: Text
    kind: CaseKind
    reasons: list[Reason] = []
    date: Date
    beneficiaries: Annotated[list[Beneficiary], Field(min_length=1)]
    petitioner: Person | None = None
    representative: Representative | None = None
    recipient: Recipient
    beneficiary_title: Text | None = Field(None, description="How the packet names the beneficiaries: "
                                           "Applicant, Respondent, Beneficiary...; default by case kind")
    forum: Literal["uscis", "immigration-court"] = Field(
        "uscis", description="Where it is filed: uscis (a cover letter) or immigration-court (the ICPM "
        "cover page and a proof of service)")
    court: Court | None = Field(None, description="The court, judge and hearing (case.forum: immigration-court)")


class CoverLetter(Strict):
    body: Text | None = None
    file: Text | None = None
    template: Text | None = None

    @model_validator(mode="after")
    def _one_body(self, info: ValidationInfo) -> "CoverLetter":
        if _lenient(info):
            return self
        if self.body and self.file:
            raise ValueError("give either `body` or `file`, not both")
        return self


class Brief(Strict):
    """A memorandum or brief after the cover letter: Markdown that may cite() pages."""

    file: Text = Field(description="A Markdown file (a Jinja template, like the letter's body) in the case folder")
    title: Text = Field("Brief", description="Its bookmark and its entry in the index's front matter")


class Form(Strict):
    name: Text
    file: Text
    beneficiary: Annotated[int, Field(ge=1)] | None = None
    pages: Text | None = None
    password_env: Text | None = None


class Declarant(Strict):
    name: Text
    role: Literal["beneficiary", "petitioner", "family", "expert", "witness", "other"]
    qualifications: Text | None = None


# "wet": a line to sign on by hand; "/s/": an electronic signature, "/s/ Name" printed on the line,
# where the forum accepts one (EOIR's ECAS, CM/ECF, USCIS online filing).
Signature = Literal["wet", "/s/"]


class Executed(Strict):
    date: Date | None = None
    place: Text | None = None
    in_us: Bool = True
    signature: Signature = Field("wet", description="wet (a line to sign on) or /s/ (printed electronic signature)")


class Interpreter(Strict):
    name: Text
    language: Text
    address: Text | None = None
    signature: Signature = Field("wet", description="the interpreter's own: wet or /s/")


class Declaration(Strict):
    id: Id
    title: Text | None = Field(None, description="Index title; default 'Declaration of <name>'")
    declarant: Declarant
    text: Text | None = Field(None, description="Markdown text, or a path to a .md or Word .docx file")
    executed: Executed | None = None
    interpreter: Interpreter | None = None
    signed_file: Text | None = None
    tags: list[Text] = []
    section: Id | None = Field(None, description="The `sections:` id it is filed under")


class Translator(Strict):
    name: Text
    address: Annotated[Lines, BeforeValidator(_lines)]
    phone: Text
    email: Text | None = None


class Translation(Strict):
    file: Text
    translator: Translator | None = Field(None, description="Who certifies the generated certificate")
    date: Date | None = Field(None, description="When the translator signed the certificate; default case.date")
    pages: Text | None = None
    password_env: Text | None = None
    signed_certificate: Text | None = Field(
        None, description="A scan of the certificate the translator signed, filed instead of the generated one")
    signature: Signature = Field("wet", description="the translator's, on the generated certificate: wet or /s/")

    @model_validator(mode="after")
    def _certified(self, info: ValidationInfo) -> "Translation":
        if _lenient(info):
            return self
        # 8 CFR 103.2(b)(3): a translation is filed with its translator's certificate.
        if self.translator is None and not self.signed_certificate:
            raise ValueError("a translation needs its certificate: give `translator:` (name, address, "
                             "phone) for the generated one, or `signed_certificate:` with the signed scan")
        return self


Category = Literal["identity", "medical", "financial", "family", "country-conditions", "legal", "other"]


UnavailableReason = Literal["destroyed", "never-issued", "office-closed", "unsafe-to-request", "lost", "other"]


class Effort(Strict):
    date: Date
    effort: Text = Field(description="What was done to obtain the document, and from whom")
    result: Text | None = Field(None, description="What came of it (refused, no answer, no record)")


class Unavailable(Strict):
    """A required document that cannot be had, and the secondary evidence offered instead."""

    reason: UnavailableReason
    explanation: Text | None = Field(None, description="Markdown: why it cannot be obtained")
    efforts: list[Effort] = []
    secondary: list[Id] = Field([], description="Exhibits or declarations offered in its place")


class Exhibit(Strict):
    id: Id
    title: Text
    file: Text | None = None
    files: Annotated[list[Text], Field(min_length=1)] | None = None
    pages: Text | None = None
    date: Date | None = None
    category: Category | None = None
    language: Annotated[str, Field(pattern=r"^[a-zA-Z]{2,3}(-[A-Za-z0-9]+)?$")] = "en"
    translation: Translation | None = None
    password_env: Text | None = None
    tags: list[Text] = Field([], description="Free labels used by lint's evidence rules, e.g. i-134, physician-letter")
    beneficiary: Annotated[int, Field(ge=1)] | None = Field(None, description="Which beneficiary (1-based) it concerns")
    unavailable: Unavailable | None = Field(None, description="Instead of a file: why the document cannot be had")
    background: Bool = Field(False, description="Cited by no ground or claim on purpose (a response's lint)")
    section: Id | None = Field(None, description="The `sections:` id it is filed under")

    @model_validator(mode="after")
    def _one_source(self, info: ValidationInfo) -> "Exhibit":
        if _lenient(info):
            return self
        given = [k for k in ("file", "files", "unavailable") if getattr(self, k)]
        if len(given) > 1:
            raise ValueError(f"give one of `file`, `files` or `unavailable`, not {' and '.join(given)}")
        if not given:
            raise ValueError("an exhibit needs `file:` (or `files:` for several scans, or "
                             "`unavailable:` for a document that cannot be obtained)")
        if self.unavailable and (self.translation or self.pages):
            raise ValueError("an unavailable exhibit has no file, so no `translation:` or `pages:`; "
                             "cite the translated secondary evidence instead")
        return self

    @property
    def sources(self) -> list[str]:
        return list(self.files or ([self.file] if self.file else []))


class Event(Strict):
    date: PartialDate
    event: Text
    # an id ("Ex. C at 14", where it begins) or {id, pages} ("Ex. C at 16", its own page 3)
    exhibits: list[Union[Id, "Pin"]] = []
    planned: Bool = False


class Claim(Strict):
    claim: Text
    exhibits: Annotated[list[Union[Id, "Pin"]], Field(min_length=1)]


def cited_id(ref: "str | Pin") -> str:
    """The exhibit id of a chronology or claim citation: an id, or a pin's."""
    return ref if isinstance(ref, str) else ref.id


ResponseKind = Literal["rfe", "noid", "denial", "motion-to-reopen", "motion-to-reconsider"]
Pages = Annotated[str, BeforeValidator(lambda v: str(v) if isinstance(v, int) else v),
                  Field(pattern=r"^\s*\d+(\s*-\s*\d+)?(\s*,\s*\d+(\s*-\s*\d+)?)*\s*$")]


def _receipt_number(value: object) -> object:
    text = re.sub(r"[\s-]", "", str(value)).upper()
    if not re.fullmatch(r"[A-Z]{3}\d{10}", text):
        raise ValueError(f"'{value}' is not a USCIS receipt number: three letters and ten digits, "
                         "as printed on the notice (e.g. IOE0912345678)")
    return text


class Pin(Strict):
    id: Id
    pages: Pages | None = Field(None, description="Pages within the exhibit, e.g. \"2\" or \"3-4\"")


def _pin(value: object) -> object:
    return {"id": value} if isinstance(value, str) else value


class Ground(Strict):
    id: Id
    ground: Text = Field(description="The ground in the notice's words (short)")
    page: Annotated[int, Field(ge=1)] | None = Field(None, description="Its page in the notice")
    answer: Text | None = Field(None, description="Markdown; may cite('id') or cite('id', page)")
    exhibits: list[Annotated[Pin, BeforeValidator(_pin)]] = []


class Response(Strict):
    """The notice this packet answers (an RFE, a NOID, a denial) and its grounds, each answered."""

    kind: ResponseKind
    notice: Id = Field(description="The exhibit that is the notice itself")
    notice_date: Date
    receipt_number: Annotated[str, BeforeValidator(_receipt_number)] | None = None
    due_date: Date | None = None
    notice_first: Bool = Field(False, description="Place the notice before the cover letter")
    earlier_receipt: Text | None = Field(None, description="The earlier filing's receipt (.receipt.json): "
                                         "exhibits not in it are marked new")
    warn_days: Annotated[int, Field(ge=0, le=365)] = 14
    grounds: Annotated[list[Ground], Field(min_length=1)]


Currency = Annotated[str, BeforeValidator(lambda v: str(v).strip().upper() if v is not None else v),
                     Field(pattern=r"^[A-Z]{3}$")]
Per = Literal["once", "day", "week", "month", "year"]


def _money(value: object) -> object:
    if isinstance(value, bool):
        raise ValueError(f"'{value}' is not an amount; write a number such as 1250 or 1250.50")
    text = str(value).strip()
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d{1,2})?", text):  # "1,250.50": thousands grouped by commas
        text = text.replace(",", "")
    if not re.fullmatch(r"\d{1,12}(\.\d{1,2})?", text):
        raise ValueError(f"'{value}' is not an amount; write a number such as 1250 or 1250.50 "
                         "(no currency sign: put the currency in `currency:`)")
    return Decimal(text)


def _upper_keys(value: object) -> object:
    """Currency codes as keys, written in any case (`hnl:` is HNL), as `currency:` values are."""
    return {str(k).strip().upper(): v for k, v in value.items()} if isinstance(value, dict) else value


def _rate(value: object) -> object:
    text = str(value).strip()
    if isinstance(value, bool) or not re.fullmatch(r"\d{1,9}(\.\d{1,10})?", text) or Decimal(text) == 0:
        raise ValueError(f"'{value}' is not an exchange rate; write how many units of budget.currency "
                         "one unit of this currency buys, e.g. 0.0405")
    return Decimal(text)


_NUMBER = WithJsonSchema({"type": ["number", "string"], "description": "A number, e.g. 1250 or \"1,250.50\""})
Money = Annotated[Decimal, BeforeValidator(_money), _NUMBER]


class Cost(Strict):
    item: Text
    amount: Money
    currency: Currency | None = Field(None, description="ISO 4217 code; default budget.currency")
    per: Per = "once"
    count: Annotated[int, Field(ge=1, le=10_000)] = Field(1, description="How many days, weeks, months or years (or, once: how many)")
    paid_by: Text | None = None
    exhibits: list[Annotated[Pin, BeforeValidator(_pin)]] = []


class Resource(Strict):
    item: Text
    amount: Money
    currency: Currency | None = None
    per: Per = "once"
    count: Annotated[int, Field(ge=1, le=10_000)] = 1
    held_by: Text | None = None
    exhibits: list[Annotated[Pin, BeforeValidator(_pin)]] = []


class Supporter(Strict):
    name: Text
    kind: Literal["person", "organization"] = "person"
    identity: list[Id] = []
    financial: list[Id] = []


class Budget(Strict):
    """The financial plan: costs and who pays them, against the resources shown."""

    currency: Currency = "USD"
    rates: Annotated[dict[Annotated[str, Field(pattern=r"^[A-Z]{3}$")], Annotated[Decimal, BeforeValidator(_rate), _NUMBER]],
                     BeforeValidator(_upper_keys)] = \
        Field({}, description="Units of budget.currency per unit of another currency")
    rate_source: Text | None = None
    costs: Annotated[list[Cost], Field(min_length=1)]
    resources: list[Resource] = []
    supporters: list[Supporter] = []


class Service(Strict):
    """Who was served a copy of a court filing, how and when: the proof of service (8 CFR 1003.32)."""

    served: Lines = Field(description="Name and address lines, e.g. DHS Office of the Principal Legal Advisor, ...")
    method: Literal["mail", "hand", "ecas"] = Field(description="mail, hand (delivery) or ecas (served "
                                                    "electronically through ECAS: no page is printed)")
    date: Date
    by: Text = Field(description="Who served it; their name is printed on the signature line")
    signature: Signature = Field("wet", description="wet (a line to sign on) or /s/")


ProfileName = Annotated[str, Field(pattern=SLUG, max_length=64)]


class ProfileSettings(Strict):
    """A filing profile's figures, each one overridable here (src/parolekit/profiles/*.yaml)."""

    max_file_mb: Annotated[float, Field(gt=0)] | None = Field(None, description="Per-file size cap (MB)")
    single_file: Bool | None = Field(None, description="The channel takes one PDF: no volumes (UK e-bundles)")
    max_dpi: Annotated[int, Field(ge=72, le=1200)] | None = Field(None, description="Highest scan resolution accepted")
    file_types: list[Annotated[str, Field(pattern=r"^[a-z0-9]{2,5}$")]] | None = Field(
        None, description="Accepted file types (extensions)")
    page_size: Literal["letter", "a4", "any"] | None = None
    text_layer: Bool | None = Field(None, description="Every page must have searchable text")
    pdfa: Bool | None = Field(None, description="The channel requires PDF/A")
    links: Bool | None = Field(None, description="Links allowed in the filed PDF")
    bookmarks: Bool | None = None
    zoom: Annotated[int, Field(ge=10, le=800)] | None = Field(None, description="Default view zoom (%)")
    separator_sheets: Bool | None = None
    colour_paper: Bool | None = Field(None, description="Coloured pages allowed (false: USCIS paper)")
    copy_marks: Bool | None = Field(None, description="Mark every page COPY")
    part_names: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.{}-]*\{n\}[A-Za-z0-9_.{}-]*$")] | None = Field(
        None, description="Volume file suffix, {n} the part number, e.g. _Part{n}")
    file_per_exhibit: Bool | None = Field(
        None, description="One file per exhibit (an original and its translation together), named for it "
        "with letters, digits, - and _ only: an upload that asks for evidence by category (uscis-online)")


class Section(Strict):
    """A heading of the index and the bookmarks; the packet files its exhibits together."""

    id: Id
    title: Text
    label: Annotated[str, Field(pattern=r"^[A-Za-z0-9]{1,4}$")] | None = Field(
        None, description="Per-section labels: 'B' labels its exhibits B-1, B-2, ...")


class Output(Strict):
    file: Text | None = None
    labels: Literal["letters", "numbers"] = "letters"
    paper: Literal["letter", "a4"] = "letter"
    bates_prefix: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,19}$")] | None = None
    max_file_mb: Annotated[float, Field(gt=0)] | None = None
    max_dpi: Annotated[int, Field(ge=72, le=1200)] = 300
    # Fit every input page onto `paper` above its footer (small items keep their true size);
    # off, each keeps its own size and gains a footer strip below.
    fit_to_paper: bool = False
    # A citation ("Exhibit C at 14") names the document's first page; `separator`: its separator
    # sheet, as some forums number exhibits by their tab.
    cite_to: Literal["document", "separator"] = "document"
    # TrueType font files (paths from the case folder) tried, in order, for characters the shipped
    # fonts lack, before them: a script parolekit does not ship, or a house face for one it does.
    fonts: list[Text] = []
    # The index and bookmarks under headings, exhibits filed together: by `sections:` (the
    # default when the manifest has them) or by `category`.
    group_by: Literal["sections", "category"] | None = None
    # An earlier build's receipt whose labels stay put: new exhibits get "12A" / "C-1" labels in
    # their place (insert) or go after the last one (append, as the UK e-bundle guidance asks).
    freeze: Text | None = None
    freeze_new: Literal["insert", "append"] = "insert"
    # Give scanned (image-only) pages an invisible text layer with OCRmyPDF and Tesseract.
    ocr: bool = False
    # Write the packet as PDF/A-2b (XMP, sRGB output intent, embedded fonts); see pdfa.py.
    pdfa: bool = False
    profile: ProfileName | None = Field(None, description="A filing profile: uscis-online, uscis-paper, "
                                        "eoir-ecas, cmecf, uk-ebundle (or --profile)")
    profile_settings: ProfileSettings | None = Field(None, description="Overrides of the profile's figures")


class Manifest(Strict):
    parolekit: Annotated[Literal[1], BeforeValidator(_version)]
    case: CaseDetails
    cover_letter: CoverLetter | None = None
    brief: Brief | None = None
    forms: list[Form] = []
    declarations: list[Declaration] = []
    exhibits: list[Exhibit] = []
    chronology: list[Event] = []
    claims: list[Claim] = []
    response: Response | None = None
    budget: Budget | None = None
    sections: list[Section] = []
    service: Service | None = Field(None, description="The proof of service of a court filing")
    output: Output = Output()


def json_schema() -> dict:
    """The manifest's JSON Schema (draft 2020-12), for editors and CI."""
    schema = Manifest.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "parolekit case manifest, version 1"
    return schema
