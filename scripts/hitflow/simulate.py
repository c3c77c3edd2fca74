"""Deterministic crowd simulator: a world with known answers, a crowd with planted
behaviours, and their work written as MTurk batch-results files.

Three layers, each reproducible from a seed:

- `World`: universities, their student-club directories, the clubs listed there and
  the clubs' contact details. All of it is ground truth (`truth_*`, `write_truth`).
- `Crowd`: workers of six kinds. `careful` and `sloppy` workers are honest and
  differ in accuracy; `blank`, `copy_paster`, `placeholder` and `fast_clicker`
  workers are the planted spammers (`Crowd.spammers`).
- Batches: `simulate_batch` has the crowd work one stage's tasks and writes one row
  per assignment; `simulate_rerun` adds assignments to tasks already worked (same
  or new task ids); `write_campaign` streams a benchmark-sized batch, made in
  parallel chunks.

Speed comes from work done once instead of per row: a task's metadata, a worker's
approval rates and 4,096 draws of accept/submit times per kind of worker are
formatted once and reused, so in a large batch time stamps repeat.

Honest workers spell a right answer in the ways real people do (`http://` or
`https://`, with or without `www.`, a trailing slash, `utm_*` tracking parameters,
upper-case or `mailto:` e-mails, phones as bare digits); every such spelling
normalises to the truth. Where nothing exists (a club lists no e-mail) honest
workers leave the field blank or type an explicit none such as `n/a`.

File format (MTurk's batch-results download): every field quoted, UTF-8 without a
byte-order mark, rows ending in CRLF (RFC 4180; loaders should accept LF too),
answer columns sorted by name as MTurk sorts them, so `club_link_10` comes before
`club_link_2`. `xlsx=True` writes instead the workbook a requester gets after
opening the CSV in Excel and saving it: `$0.05` becomes the number 0.05 and
digit-only cells (a phone typed as digits) become numbers.

Randomness: every choice comes from a `random.Random` seeded with a string made of
the seed and a purpose ("crowd", "batch:clubs:4551511", ...). String seeds are
hashed with SHA-512, so files do not depend on PYTHONHASHSEED, the clock or the
order of sets; the same arguments give byte-identical files.
"""

from __future__ import annotations

import csv
import math
import os
import re
from bisect import bisect
from collections import deque
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache, partial
from hashlib import sha256
from itertools import chain, filterfalse, islice, repeat
from multiprocessing import get_context
from multiprocessing.pool import AsyncResult
from pathlib import Path
from random import Random
from typing import NamedTuple, TypeAlias

import xlsxwriter

# ---------------------------------------------------------------------------
# Stages
# ---------------------------------------------------------------------------

#: How many club slots the clubs-stage template offers.
CLUB_SLOTS = 10


@dataclass(frozen=True)
class _Stage:
    # what a worker sees in the task list; {topic} is the world's topic
    title: str
    description: str
    keywords: str
    # dollars per assignment, as in the `vars.pipeline` block of dbt_project.yml
    reward: float
    # the stage's input columns when the caller gives no input rows
    inputs: tuple[str, ...]
    # answer columns in MTurk's order (sorted by name)
    answers: tuple[str, ...]
    # days after the campaign starts that the stage's batch is published
    day: int


_STAGES: dict[str, _Stage] = {
    "directories": _Stage(
        title="Find a university's student club directory",
        description="Paste the URL of the page listing the university's student clubs.",
        keywords="university, clubs, url, research",
        reward=0.05,
        inputs=("university_name", "city", "country"),
        answers=("student_org_url",),
        day=0,
    ),
    "clubs": _Stage(
        title="List the {topic}-related clubs of a university",
        description="List each {topic}-related club on the directory: name and link.",
        keywords="student clubs, {topic}, list",
        reward=0.10,
        inputs=("university", "city", "country", "directory_link"),
        answers=tuple(
            sorted(
                f"club_{part}_{slot}"
                for part in ("name", "link")
                for slot in range(1, CLUB_SLOTS + 1)
            )
        ),
        day=14,
    ),
    "leads": _Stage(
        title="Copy a student club's contact details",
        description="Copy the club's e-mails, social links, phone and website.",
        keywords="contact, email, student club, data entry",
        reward=0.08,
        inputs=(
            "university",
            "city",
            "country",
            "directory_link",
            "club_name",
            "club_link",
        ),
        answers=(
            "email_1",
            "email_2",
            "facebook",
            "instagram",
            "phone_number",
            "website",
        ),
        day=28,
    ),
}

#: The stages the simulator knows, in pipeline order.
STAGES: tuple[str, ...] = tuple(_STAGES)

# The columns MTurk writes before the Input.* columns, in MTurk's order.
_HIT_COLUMNS = (
    "HITId",
    "HITTypeId",
    "Title",
    "Description",
    "Keywords",
    "Reward",
    "CreationTime",
    "MaxAssignments",
    "RequesterAnnotation",
    "AssignmentDurationInSeconds",
    "AutoApprovalDelayInSeconds",
    "Expiration",
    "NumberOfSimilarHITs",
    "LifetimeInSeconds",
    "AssignmentId",
    "WorkerId",
    "AssignmentStatus",
    "AcceptTime",
    "SubmitTime",
    "AutoApprovalTime",
    "ApprovalTime",
    "RejectionTime",
    "RequesterFeedback",
    "WorkTimeInSeconds",
    "LifetimeApprovalRate",
    "Last30DaysApprovalRate",
    "Last7DaysApprovalRate",
)


def _stage(stage: str) -> _Stage:
    if stage not in _STAGES:
        raise ValueError(f"unknown stage {stage!r}; known stages: {', '.join(STAGES)}")
    return _STAGES[stage]


def answer_columns(stage: str) -> tuple[str, ...]:
    """The stage's answer field columns (without `Answer.`), in MTurk's order."""
    return _stage(stage).answers


def batch_header(stage: str, input_columns: Sequence[str]) -> list[str]:
    """The full MTurk batch-results header for a stage and its input columns."""
    return [
        *_HIT_COLUMNS,
        *(f"Input.{name}" for name in input_columns),
        *(f"Answer.{name}" for name in answer_columns(stage)),
        "Approve",
        "Reject",
    ]


def batch_filename(batch_number: int) -> str:
    """The name MTurk gives a batch's results download."""
    return f"Batch_{batch_number}_batch_results.csv"


# ---------------------------------------------------------------------------
# Randomness and ids
# ---------------------------------------------------------------------------

_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
# Maps a random byte onto an upper-case letter or digit (near-uniform, fast).
_BYTE_TO_ALNUM = bytes(ord(_ALNUM[byte % len(_ALNUM)]) for byte in range(256))


def _rng(seed: int, *purpose: object) -> Random:
    """An independent, reproducible random stream for one purpose."""
    return Random(":".join(str(part) for part in (seed, *purpose)))


class _IdPool:
    """30-character ids like MTurk's task and assignment ids, drawn in bulk.

    `next()` returns a new id; ids in `taken` (a set) are never returned.
    """

    def __init__(self, rng: Random, taken: Collection[str] = ()) -> None:
        ids: Iterator[str] = chain.from_iterable(self._batches(rng))
        if taken:
            ids = filterfalse(taken.__contains__, ids)
        self.next: Callable[[], str] = ids.__next__

    @staticmethod
    def _batches(rng: Random, size: int = 4096) -> Iterator[list[str]]:
        while True:
            text = rng.randbytes(29 * size).translate(_BYTE_TO_ALNUM).decode()
            yield ["3" + text[at : at + 29] for at in range(0, len(text), 29)]


# ---------------------------------------------------------------------------
# Clock: MTurk's time stamps in Pacific time
# ---------------------------------------------------------------------------

_EPOCH = datetime(1970, 1, 1)
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
    "Dec",
)  # fmt: skip
_SECONDS = tuple(f"{second:02d}" for second in range(60))
# How long a task stays on offer, and how long MTurk waits before auto-approving.
_LIFETIME = 7 * 86400
_AUTO_APPROVAL_DELAY = 3 * 86400
_ASSIGNMENT_DURATION = 3600


def _nth_sunday(year: int, month: int, n: int) -> datetime:
    first = datetime(year, month, 1)
    return first + timedelta(days=(6 - first.weekday()) % 7 + 7 * (n - 1))


def _pacific(utc: datetime) -> tuple[datetime, str]:
    """Local time and zone abbreviation on the US west coast (rules since 2007)."""
    summer_starts = _nth_sunday(utc.year, 3, 2).replace(hour=10)  # 02:00 PST
    summer_ends = _nth_sunday(utc.year, 11, 1).replace(hour=9)  # 02:00 PDT
    if summer_starts <= utc < summer_ends:
        return utc - timedelta(hours=7), "PDT"
    return utc - timedelta(hours=8), "PST"


def _epoch(moment: datetime) -> int:
    """Epoch seconds of a datetime; a naive one is taken to be UTC."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return int((moment - _EPOCH).total_seconds())


def _parse_stamp(text: str) -> int:
    """Epoch seconds of an MTurk time stamp such as `Tue Feb 09 09:23:29 PST 2021`."""
    _, month, day, clock, zone, year = text.split()
    hour, minute, second = (int(part) for part in clock.split(":"))
    local = datetime(int(year), _MONTHS.index(month) + 1, int(day), hour, minute)
    offset = 7 if zone == "PDT" else 8
    return _epoch(local) + second + offset * 3600


class _Clock:
    """Formats epoch seconds the way MTurk does, caching the work per minute."""

    def __init__(self) -> None:
        self._minutes: dict[int, tuple[str, str]] = {}

    def stamp(self, seconds: int) -> str:
        minute, second = divmod(seconds, 60)
        parts = self._minutes.get(minute)
        if parts is None:
            parts = self._minutes[minute] = self._minute_parts(minute)
        return parts[0] + _SECONDS[second] + parts[1]

    @staticmethod
    def _minute_parts(minute: int) -> tuple[str, str]:
        local, zone = _pacific(_EPOCH + timedelta(minutes=minute))
        head = (
            f"{_DAYS[local.weekday()]} {_MONTHS[local.month - 1]} {local.day:02d} "
            f"{local.hour:02d}:{local.minute:02d}:"
        )
        return head, f" {zone} {local.year}"


# ---------------------------------------------------------------------------
# The world: catalogues
# ---------------------------------------------------------------------------

_PLACE_PREFIXES = (
    "North", "South", "East", "West", "Lake", "River", "Oak", "Pine", "Maple",
    "Cedar", "Green", "Fair", "Spring", "Red", "Stone", "Clear", "Silver", "Brook",
    "Ash", "Elm", "Glen", "High", "Mill", "Bay", "Wood", "Rock", "Sun", "Wind",
    "Fox", "Deer", "Hawk", "Iron", "Gold", "Rose", "Bright", "Kings", "Queens",
    "Mid", "Long", "Black",
)  # fmt: skip
_PLACE_SUFFIXES = (
    "field", "brook", "wood", "ford", "haven", "dale", "ton", "ville", "ridge",
    "port", "mont", "view", "bury", "water", "land", "crest", "wick", "stead",
    "more", "gate", "hurst", "ley", "burgh", "shire",
)  # fmt: skip
_PLACES = tuple(
    prefix + suffix
    for prefix in _PLACE_PREFIXES
    for suffix in _PLACE_SUFFIXES
    if prefix[-1] != suffix[0]
)

# How a university's name reads, how its web domain is spelled, the one country
# the pattern belongs to (None: any country) and how many places use it.
_NAME_PATTERNS = (
    ("University of {place}", "{stem}", None, len(_PLACES)),
    ("{place} University", "{stem}u", None, len(_PLACES)),
    ("{place} State University", "{stem}state", "United States", len(_PLACES)),
    ("{place} College", "{stem}college", None, len(_PLACES)),
    ("{place} Institute of Technology", "{stem}tech", None, len(_PLACES)),
    ("{place} Community College", "{stem}cc", "United States", len(_PLACES)),
    ("Université de {place}", "u{stem}", "Canada", 60),
)


class _BaseName(NamedTuple):
    name: str
    # the university's domain without its country's ending
    label: str
    # the one country the name belongs to, if any
    country: str | None
    # position of the name's place in _PLACES
    place: int


def _base_name(pattern: str, place: str) -> str:
    name = pattern.format(place=place)
    return re.sub(r"\bde (?=[AEIOU])", "d'", name)  # Université d'Eastford


# Every whole university name, by name number.
_BASE_NAMES = tuple(
    _BaseName(_base_name(name, place), domain.format(stem=place.lower()), only, at)
    for name, domain, only, count in _NAME_PATTERNS
    for at, place in enumerate(_PLACES[:count])
)

_US_STATES = (
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL",
    "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT",
    "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI",
    "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY",
)  # fmt: skip


class _Country(NamedTuple):
    name: str
    # share of universities outside the US-only name patterns
    share: int
    # how the country's university domains end
    tld: str
    # states or provinces; empty where addresses carry none
    regions: tuple[str, ...]


_COUNTRIES = (
    _Country("United States", 85, "edu", _US_STATES),
    _Country("Canada", 5, "ca", ("ON", "QC", "BC", "AB", "NS", "MB")),
    _Country("United Kingdom", 5, "ac.uk", ()),
    _Country("Ireland", 2, "ie", ()),
    _Country("Australia", 3, "edu.au", ("NSW", "VIC", "QLD", "WA", "SA")),
)
_COUNTRY_BY_NAME = {country.name: country for country in _COUNTRIES}
_COUNTRY_CUMULATIVE = tuple(
    sum(country.share for country in _COUNTRIES[: end + 1]) / 100
    for end in range(len(_COUNTRIES) - 1)
)
# Phone numbers outside North America: a prefix in a range kept for fiction, and
# how many random digits follow it.
_PHONE_PLANS = {
    "United Kingdom": ("+44 113 496 0", 3),
    "Ireland": ("+353 1 555 ", 4),
    "Australia": ("+61 2 5550 ", 4),
}

# (directory page, club page) for the directory software universities run;
# {domain} is the university's web domain, {stem} its short name.
_DIRECTORY_SHAPES = (
    (
        "https://studentorgs.{domain}/organizations",
        "https://studentorgs.{domain}/organization/{slug}",
    ),
    (
        "https://{stem}.campuslabs.com/engage/organizations",
        "https://{stem}.campuslabs.com/engage/organization/{slug}",
    ),
    (
        "https://www.{domain}/student-life/clubs-and-organizations",
        "https://www.{domain}/student-life/clubs-and-organizations/{slug}",
    ),
    (
        "https://getinvolved.{domain}/organizations",
        "https://getinvolved.{domain}/organizations/{slug}",
    ),
    (
        "https://{stem}.presence.io/organizations",
        "https://{stem}.presence.io/organization/{slug}",
    ),
    (
        "https://www.{domain}/studentactivities/clubs/",
        "https://www.{domain}/studentactivities/clubs/{slug}/",
    ),
    (
        "https://{domain}/campus-life/student-organizations/",
        "https://{domain}/campus-life/student-organizations/{slug}/",
    ),
    ("https://clubs.{domain}/directory", "https://clubs.{domain}/directory/{slug}"),
)
# Pages of a university's site that are not its club directory.
_WRONG_PAGES = (
    "https://www.{domain}/student-life",
    "https://www.{domain}/athletics",
    "https://www.{domain}/admissions/visit",
    "https://www.{domain}/about",
    "https://www.{domain}/student-life/housing",
)

# Club names by topic; a world's topic decides which clubs are relevant.
_CLUB_CATALOG: dict[str, tuple[str, ...]] = {
    "dentistry": (
        "Pre-Dental Society",
        "Dental Club",
        "Pre-Dental Club",
        "American Student Dental Association",
        "Oral Health Awareness Club",
        "Health Professions Society",
        "Pre-Health Professions Club",
        "Future Dentists Association",
        "Hispanic Student Dental Association",
        "Smile Outreach",
        "Pre-Dental Honor Society",
        "Dental Hygiene Student Association",
    ),
    "medicine": (
        "Pre-Medical Society",
        "American Medical Student Association",
        "Nursing Student Association",
        "Pre-Pharmacy Club",
        "Pre-Physical Therapy Club",
        "Global Health Brigades",
        "Public Health Club",
    ),
    "engineering": (
        "Robotics Club",
        "Society of Women Engineers",
        "IEEE Student Branch",
        "Engineers Without Borders",
        "Rocketry Club",
        "Formula SAE",
    ),
    "arts": (
        "A Cappella Choir",
        "Jazz Ensemble",
        "Film Society",
        "Photography Club",
        "Improv Comedy Troupe",
        "Dance Collective",
    ),
    "sports": (
        "Ultimate Frisbee Club",
        "Rowing Club",
        "Climbing Club",
        "Chess Club",
        "Esports Club",
        "Running Club",
    ),
    "service": (
        "Habitat for Humanity",
        "Red Cross Club",
        "Tutoring Corps",
        "Environmental Action Coalition",
    ),
    "culture": (
        "International Students Association",
        "Korean Students Association",
        "Black Student Union",
        "Latinx Student Alliance",
        "Indian Students Association",
    ),
    "business": (
        "Finance Club",
        "Entrepreneurship Society",
        "Marketing Association",
        "Consulting Club",
        "Investment Club",
    ),
}
# Topics whose clubs a sloppy worker mistakes for relevant ones.
_NEAR_TOPICS = {"dentistry": ("medicine",), "medicine": ("dentistry",)}
_CLUB_TOPIC = {name: topic for topic, names in _CLUB_CATALOG.items() for name in names}
_SLUGS = {
    name: re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") for name in _CLUB_TOPIC
}
_OTHER_CLUBS = {
    topic: tuple(name for name in _CLUB_TOPIC if _CLUB_TOPIC[name] != topic)
    for topic in _CLUB_CATALOG
}
_FIRST_NAMES = (
    "emma", "liam", "olivia", "noah", "ava", "ethan", "sophia", "mason", "mia",
    "lucas", "amelia", "aiden", "harper", "elijah", "zoe", "mateo", "chloe",
    "james", "priya", "wei", "fatima", "diego", "hannah", "omar",
)  # fmt: skip
_LAST_NAMES = (
    "smith", "johnson", "nguyen", "garcia", "patel", "kim", "brown", "lee",
    "martinez", "chen", "davis", "lopez", "wilson", "anderson", "thomas", "clark",
    "lewis", "walker", "hall", "young", "khan", "rossi", "murphy", "okafor",
)  # fmt: skip


# ---------------------------------------------------------------------------
# The world: records
# ---------------------------------------------------------------------------


class University(NamedTuple):
    """A university of the simulated world; every attribute is ground truth.

    (A named tuple rather than a dataclass: campaigns make hundreds of thousands.)
    """

    # position in the world; seeds the university's own clubs
    index: int
    name: str
    city: str
    # US state or Canadian/Australian abbreviation; empty elsewhere
    region: str
    country: str
    # web domain, e.g. northfield.edu
    domain: str
    # short name used in third-party hosts and handles, e.g. northfield
    stem: str
    # usually one directory; about one university in ten has two, both correct
    directory_urls: tuple[str, ...]
    # how each directory links to a club page; {slug} is the club's
    club_link_templates: tuple[str, ...]

    @property
    def homepage(self) -> str:
        return f"https://www.{self.domain}/"

    @property
    def city_state(self) -> str:
        """The city with its state (or country), as some batches give it."""
        return f"{self.city}, {self.region or self.country}"


class Club(NamedTuple):
    """A club as listed on one directory, with the contacts its page shows."""

    name: str
    topic: str
    # the club's page under the directory's host
    link: str
    # zero to two, lower-case
    emails: tuple[str, ...] = ()
    # each of these is empty when the club has none
    facebook: str = ""
    instagram: str = ""
    phone: str = ""
    website: str = ""

    def contacts(self) -> dict[str, list[str]]:
        """The club's contacts per leads field; an empty list means none exists."""
        return {
            "email": list(self.emails),
            "facebook": [self.facebook] if self.facebook else [],
            "instagram": [self.instagram] if self.instagram else [],
            "phone_number": [self.phone] if self.phone else [],
            "website": [self.website] if self.website else [],
        }


@dataclass(frozen=True)
class Directory:
    """One club directory page and the clubs it lists, in listing order."""

    url: str
    university: University
    clubs: tuple[Club, ...]


Truth: TypeAlias = University | Directory | Club | None


def _url_key(url: str) -> str:
    """How the simulator recognises a page it knows, however it is spelled."""
    text = url.strip().lower().split("://", 1)[-1]
    text = text.removeprefix("www.")
    text = text.split("#", 1)[0].split("?", 1)[0]
    return text.rstrip("/")


def _host_key(url: str) -> str:
    return _url_key(url).partition("/")[0]


# ---------------------------------------------------------------------------
# The world: generation
# ---------------------------------------------------------------------------


class _WorldPlan(NamedTuple):
    """What fixes the order of a world's universities."""

    # the universities with whole names, in world order
    whole: tuple[University, ...]
    # the same, by name number
    by_base: dict[int, University]
    # branch position p is branch number (p * step + shift) % branch count
    step: int
    shift: int


_BRANCHES = len(_BASE_NAMES) * len(_PLACES)


@lru_cache(maxsize=4)
def _world_plan(seed: int) -> _WorldPlan:
    rng = _rng(seed, "universities")
    order = list(range(len(_BASE_NAMES)))
    rng.shuffle(order)
    step = rng.randrange(1, _BRANCHES)
    while math.gcd(step, _BRANCHES) != 1:
        step += 1
    shift = rng.randrange(_BRANCHES)
    whole = tuple(_university(rng, index, base) for index, base in enumerate(order))
    return _WorldPlan(whole, dict(zip(order, whole, strict=True)), step, shift)


def _universities(seed: int, start: int = 0) -> Iterator[University]:
    """The universities of the world made from `seed`, in world order, from `start`.

    Whole names come first, in shuffled order; then branch campuses of them
    ("University of Northfield-Ashbury"), which share their parent's country and
    directory software, in an affine-permuted order. A world of n universities
    is the first n of this stream, whatever n is.

    Names, domains and stems (and so directory URLs) are unique without
    checking: no place name begins with another, so a stem (place, then name
    pattern; or campus, then parent stem) can be read back in only one way.
    """
    plan = _world_plan(seed)
    yield from plan.whole[start:]
    places = len(_PLACES)
    for position in range(max(0, start - len(plan.whole)), _BRANCHES):
        base, campus = divmod((position * plan.step + plan.shift) % _BRANCHES, places)
        parent = plan.by_base[base]
        index = len(plan.whole) + position
        is_main = campus == _BASE_NAMES[base].place
        yield _branch(parent, index, campus, is_main=is_main)


def _university(rng: Random, index: int, base: int) -> University:
    name, label, only_in, place_at = _BASE_NAMES[base]
    place = _PLACES[place_at]
    country = _COUNTRY_BY_NAME[only_in] if only_in else _pick_country(rng)
    stem = label
    domain = label + "." + country.tld
    shapes = _pick_shapes(rng)
    return University(
        index=index,
        name=name,
        city=place if rng.random() < 0.5 else rng.choice(_PLACES),
        region=rng.choice(country.regions) if country.regions else "",
        country=country.name,
        domain=domain,
        stem=stem,
        directory_urls=tuple(_on_site(page, domain, stem) for page, _ in shapes),
        club_link_templates=tuple(_on_site(club, domain, stem) for _, club in shapes),
    )


def _branch(parent: University, index: int, campus: int, is_main: bool) -> University:
    """A branch campus: the parent's sites moved under a campus subdomain."""
    city = _PLACES[campus]
    label = "main" if is_main else city.lower()
    domain = f"{label}.{parent.domain}"
    stem = label + parent.stem
    old_host, new_host = f"//{parent.stem}.", f"//{stem}."
    return University(
        index,
        f"{parent.name} Main Campus" if is_main else f"{parent.name}-{city}",
        city,
        parent.region,
        parent.country,
        domain,
        stem,
        tuple(
            url.replace(parent.domain, domain).replace(old_host, new_host)
            for url in parent.directory_urls
        ),
        tuple(
            url.replace(parent.domain, domain).replace(old_host, new_host)
            for url in parent.club_link_templates
        ),
    )


def _on_site(template: str, domain: str, stem: str) -> str:
    return template.replace("{domain}", domain).replace("{stem}", stem)


def _pick_country(rng: Random) -> _Country:
    return _COUNTRIES[bisect(_COUNTRY_CUMULATIVE, rng.random())]


def _pick_shapes(rng: Random) -> tuple[tuple[str, str], ...]:
    """One directory shape, or two different ones for one university in ten."""
    first = rng.randrange(len(_DIRECTORY_SHAPES))
    if rng.random() >= 0.1:
        return (_DIRECTORY_SHAPES[first],)
    second = (first + 1 + rng.randrange(len(_DIRECTORY_SHAPES) - 1)) % len(
        _DIRECTORY_SHAPES
    )
    return _DIRECTORY_SHAPES[first], _DIRECTORY_SHAPES[second]


def _make_directories(
    seed: int,
    topic: str,
    university: University,
    contact_topics: Collection[str] | None = None,
) -> tuple[Directory, ...]:
    """The university's directories; all of them list the same clubs.

    Contacts are made for clubs of `contact_topics` only (default: every club),
    each from its own random stream, so leaving some out changes nothing else.
    """
    rng = _rng(seed, "clubs", topic, university.index)
    names = _club_names(rng, topic)
    lists_no_email = rng.random() < 0.15
    contacts = [
        _club_contacts(seed, university, name, lists_no_email)
        if contact_topics is None or _CLUB_TOPIC[name] in contact_topics
        else ()
        for name in names
    ]
    return tuple(
        Directory(
            url,
            university,
            tuple(
                Club(
                    name,
                    _CLUB_TOPIC[name],
                    template.replace("{slug}", _SLUGS[name]),
                    *more,
                )
                for name, more in zip(names, contacts, strict=True)
            ),
        )
        for url, template in zip(
            university.directory_urls, university.club_link_templates, strict=True
        )
    )


def _club_names(rng: Random, topic: str) -> list[str]:
    """3-15 clubs, 0-4 of them about the topic, alphabetically as directories list."""
    total = rng.randint(3, 15)
    wanted = bisect(_RELEVANT_CLUBS_CUMULATIVE, rng.random())
    relevant = min(total, wanted, len(_CLUB_CATALOG[topic]))
    names = rng.sample(_CLUB_CATALOG[topic], relevant)
    names += rng.sample(_OTHER_CLUBS[topic], total - relevant)
    return sorted(names)


# Chances of 0, 1, 2, 3 and 4 relevant clubs on a directory, added up.
_RELEVANT_CLUBS_CUMULATIVE = (0.20, 0.50, 0.75, 0.90)


def _club_contacts(
    seed: int, university: University, name: str, lists_no_email: bool
) -> tuple[tuple[str, ...], str, str, str, str]:
    """(emails, facebook, instagram, phone, website) on a club's page."""
    rng = _rng(seed, "contacts", university.index, name)
    slug = _SLUGS[name]
    compact = slug.replace("-", "")
    stem, domain = university.stem, university.domain
    roll = rng.random()
    n_emails = 0 if lists_no_email or roll < 0.25 else 1 if roll < 0.75 else 2
    first = rng.randrange(3)
    picks = (first, (first + 1 + rng.randrange(2)) % 3)[:n_emails]
    emails = tuple(
        (
            f"{compact}@{domain}",
            f"{rng.choice(_FIRST_NAMES)}.{rng.choice(_LAST_NAMES)}@{domain}",
            f"{stem}{compact}@gmail.com",
        )[pick]
        for pick in picks
    )
    camel = "".join(word.capitalize() for word in slug.split("-"))
    website = (
        f"https://{stem}{compact}.org"
        if rng.random() < 0.5
        else f"https://sites.google.com/view/{stem}-{slug}"
    )
    return (
        emails,
        _maybe(rng, 0.45, f"https://www.facebook.com/{stem.capitalize()}{camel}"),
        _maybe(rng, 0.5, f"{stem}_{compact}"[:30]),
        _random_phone(university.country, rng) if rng.random() < 0.25 else "",
        _maybe(rng, 0.2, website),
    )


def _maybe(rng: Random, share: float, value: str) -> str:
    return value if rng.random() < share else ""


def _random_phone(country: str, rng: Random) -> str:
    plan = _PHONE_PLANS.get(country)
    if plan is None:  # North America
        area, exchange = rng.randint(201, 989), rng.randint(200, 999)
        return f"({area}) {exchange}-{rng.randrange(10000):04d}"
    prefix, digits = plan
    return f"{prefix}{rng.randrange(10**digits):0{digits}d}"


@dataclass(frozen=True)
class _Scene:
    """What worker behaviours may consult besides the task's own truth."""

    topic: str
    # universities to draw plausible wrong answers from
    decoys: tuple[University, ...]


class World:
    """Universities, their club directories and clubs: what batches are judged on.

    Clubs are made per university on first use from the world's seed, so the
    world is the same whichever parts of it are looked at first.
    """

    def __init__(
        self, seed: int, topic: str, universities: Iterable[University]
    ) -> None:
        if topic not in _CLUB_CATALOG:
            known = ", ".join(_CLUB_CATALOG)
            raise ValueError(f"unknown topic {topic!r}; known topics: {known}")
        self.seed = seed
        self.topic = topic
        self.universities: tuple[University, ...] = tuple(universities)
        self._by_name = {u.name: u for u in self.universities}
        self._by_directory: dict[str, tuple[University, int]] = {}
        self._by_host: dict[str, University] = {}
        for university in self.universities:
            for position, url in enumerate(university.directory_urls):
                self._by_directory[_url_key(url)] = (university, position)
                self._by_host[_host_key(url)] = university
        self._directories: dict[int, tuple[Directory, ...]] = {}
        self._clubs: dict[str, Club] = {}

    @classmethod
    def generate(
        cls, seed: int, n_universities: int = 60, topic: str = "dentistry"
    ) -> World:
        """A world of `n_universities`; a smaller world is a prefix of a larger one."""
        if n_universities < 1:
            raise ValueError("a world needs at least one university")
        return cls(seed, topic, islice(_universities(seed), n_universities))

    # -- looking things up ---------------------------------------------------

    def university(self, name: str) -> University | None:
        return self._by_name.get(name.strip())

    def directories(self, university: University) -> tuple[Directory, ...]:
        """The university's directories with their clubs (made on first use)."""
        made = self._directories.get(university.index)
        if made is None:
            made = _make_directories(self.seed, self.topic, university)
            self._directories[university.index] = made
            for directory in made:
                for club in directory.clubs:
                    self._clubs[_url_key(club.link)] = club
        return made

    def find_directory(self, url: str) -> Directory | None:
        """The directory at `url` (any honest spelling of it), if the world has it."""
        found = self._by_directory.get(_url_key(url))
        if found is None:
            return None
        university, position = found
        return self.directories(university)[position]

    def find_club(self, link: str) -> Club | None:
        """The club whose page is at `link` (any honest spelling), relevant or not."""
        university = self._by_host.get(_host_key(link))
        if university is None:
            return None
        self.directories(university)
        return self._clubs.get(_url_key(link))

    def relevant_clubs(self, directory: Directory) -> list[Club]:
        return [club for club in directory.clubs if club.topic == self.topic]

    def resolve(self, stage: str, inputs: Mapping[str, str]) -> Truth:
        """What a task's inputs point at: a university, a directory or a club."""
        _stage(stage)
        if stage == "directories":
            return self.university(inputs.get("university_name", ""))
        if stage == "clubs":
            return self.find_directory(inputs.get("directory_link", ""))
        return self.find_club(inputs.get("club_link", ""))

    def _scene(self) -> _Scene:
        return _Scene(self.topic, self.universities)

    # -- task inputs ---------------------------------------------------------

    def inputs(self, stage: str, *, city_state: bool = False) -> list[dict[str, str]]:
        """One input row per task of `stage`, built from the truth.

        directories: every university (`university_name, city, country`, or
        `university_name, city_state` with `city_state=True`); clubs: every true
        directory; leads: every relevant club on every true directory.
        """
        return [
            inputs
            for inputs, _ in _iter_tasks(
                stage, self.universities, self.directories, self.topic, city_state
            )
        ]

    # -- truth ---------------------------------------------------------------

    def truth_directories(self) -> dict[str, set[str]]:
        """University name -> its correct directory URLs."""
        return {u.name: set(u.directory_urls) for u in self.universities}

    def truth_clubs(self) -> dict[str, list[tuple[str, str]]]:
        """Directory URL -> the relevant clubs on it as (name, link)."""
        return {
            directory.url: [(c.name, c.link) for c in self.relevant_clubs(directory)]
            for university in self.universities
            for directory in self.directories(university)
        }

    def truth_leads(self) -> dict[str, dict[str, list[str]]]:
        """Club link -> field -> values, for every relevant club on every directory."""
        return {
            club.link: club.contacts()
            for university in self.universities
            for directory in self.directories(university)
            for club in self.relevant_clubs(directory)
        }

    def write_truth(self, directory: Path | str) -> list[Path]:
        """Write truth_directories.csv, truth_clubs.csv and truth_leads.csv.

        Values are spelled as the pages show them (compare after normalising).
        A directory without relevant clubs gets one row with empty club columns,
        and every club gets a row for each leads field, with an empty value where
        the club has none, so "nothing exists" is part of the truth.
        """
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        tables = {
            "truth_directories.csv": self._directory_rows(),
            "truth_clubs.csv": self._club_rows(),
            "truth_leads.csv": self._lead_rows(),
        }
        paths = []
        for name, rows in tables.items():
            path = folder / name
            with path.open("w", newline="", encoding="utf-8") as handle:
                csv.writer(handle, lineterminator="\n").writerows(rows)
            paths.append(path)
        return paths

    def _directory_rows(self) -> list[list[str]]:
        rows = [["university_name", "city", "country", "student_org_url"]]
        for u in self.universities:
            rows += [[u.name, u.city, u.country, url] for url in u.directory_urls]
        return rows

    def _club_rows(self) -> list[list[str]]:
        rows = [["university", "directory_link", "club_name", "club_link"]]
        for university in self.universities:
            for directory in self.directories(university):
                clubs = self.relevant_clubs(directory)
                pairs = [(c.name, c.link) for c in clubs] or [("", "")]
                rows += [[university.name, directory.url, *pair] for pair in pairs]
        return rows

    def _lead_rows(self) -> list[list[str]]:
        rows = [["university", "club_name", "club_link", "field", "value"]]
        for university in self.universities:
            for directory in self.directories(university):
                for club in self.relevant_clubs(directory):
                    key = [university.name, club.name, club.link]
                    for field, values in club.contacts().items():
                        rows += [[*key, field, value] for value in values or [""]]
        return rows


def _iter_tasks(
    stage: str,
    universities: Iterable[University],
    directories_of: Callable[[University], tuple[Directory, ...]],
    topic: str,
    city_state: bool = False,
) -> Iterator[tuple[dict[str, str], Truth]]:
    """(input row, truth) for every task of `stage` the universities give."""
    _stage(stage)
    for u in universities:
        if stage == "directories":
            place = (
                {"city_state": u.city_state}
                if city_state
                else {"city": u.city, "country": u.country}
            )
            yield {"university_name": u.name, **place}, u
            continue
        where = {"university": u.name, "city": u.city, "country": u.country}
        for directory in directories_of(u):
            if stage == "clubs":
                yield {**where, "directory_link": directory.url}, directory
                continue
            for club in directory.clubs:
                if club.topic == topic:
                    row = {**where, "directory_link": directory.url}
                    yield {**row, "club_name": club.name, "club_link": club.link}, club


# ---------------------------------------------------------------------------
# The crowd
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Kind:
    # range of the chance that an attempted answer is right
    accuracy: tuple[float, float]
    # range of seconds an assignment takes
    work_seconds: tuple[int, int]
    # relative share of tasks taken
    activity: float
    # range of the share of past work that was approved
    approval: tuple[float, float]
    # chance of an account with no approval history at all
    new_account: float


_KINDS: dict[str, _Kind] = {
    "careful": _Kind((0.85, 0.98), (60, 400), 1.0, (0.97, 1.0), 0.0),
    "sloppy": _Kind((0.55, 0.75), (30, 200), 1.2, (0.88, 0.97), 0.0),
    "blank": _Kind((0.0, 0.0), (3, 10), 2.0, (0.55, 0.85), 0.5),
    "copy_paster": _Kind((0.0, 0.0), (8, 30), 5.0, (0.60, 0.90), 0.3),
    "placeholder": _Kind((0.80, 0.92), (20, 150), 1.5, (0.85, 0.95), 0.2),
    "fast_clicker": _Kind((0.0, 0.0), (5, 15), 2.5, (0.70, 0.92), 0.3),
}
#: The planted spammer kinds; `careful` and `sloppy` workers are honest.
SPAMMER_KINDS = ("blank", "copy_paster", "placeholder", "fast_clicker")
_HONEST_KINDS = frozenset({"careful", "sloppy"})
_PLACEHOLDERS = ("n@a", "-", "none", "n/a")
_EXPLICIT_NONE = ("n/a", "none", "N/A", "None")
_ADVERT_HOSTS = (
    "best-essay-writers.example.com",
    "cheap-followers.example.net",
    "crypto-bonus.example.org",
    "free-gift-cards.example.com",
)


@dataclass(frozen=True)
class Worker:
    """A simulated worker; `kind` and `accuracy` are the truth about them."""

    id: str
    kind: str
    # chance that an attempted answer is right (0 for workers who never try)
    accuracy: float
    # relative share of tasks the worker takes
    activity: float
    # approval history as MTurk shows it, e.g. "98% (3984/4075)"
    lifetime_approval: str
    last30_approval: str
    last7_approval: str
    # the one advert a copy-paster pastes into every URL and e-mail field
    advert_url: str = ""
    advert_email: str = ""


class Crowd:
    """The workers who take tasks, with their planted behaviours."""

    def __init__(self, workers: Iterable[Worker]) -> None:
        self.workers: tuple[Worker, ...] = tuple(workers)
        self._by_id = {worker.id: worker for worker in self.workers}
        # one ticket per tenth of activity: drawing a ticket picks a worker
        self._tickets = tuple(
            position
            for position, worker in enumerate(self.workers)
            for _ in range(max(1, round(worker.activity * 10)))
        )

    @classmethod
    def generate(cls, seed: int, n_workers: int = 40) -> Crowd:
        """Mostly careful workers, ~15% sloppy, ~2.5% (at least one) of each spammer."""
        if n_workers < 6:
            raise ValueError("a crowd needs at least 6 workers (one of each kind)")
        rng = _rng(seed, "crowd")
        kinds = _crowd_kinds(n_workers)
        rng.shuffle(kinds)
        ids = _worker_ids(rng, n_workers)
        return cls(
            _worker(rng, worker_id, kind)
            for worker_id, kind in zip(ids, kinds, strict=True)
        )

    def worker(self, worker_id: str) -> Worker:
        return self._by_id[worker_id]

    def spammers(self) -> dict[str, list[str]]:
        """Planted spammer ids by kind."""
        return {
            kind: [w.id for w in self.workers if w.kind == kind]
            for kind in SPAMMER_KINDS
        }

    def write_truth(self, directory: Path | str) -> Path:
        """Write truth_workers.csv: worker_id, kind, accuracy, spammer."""
        path = Path(directory) / "truth_workers.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(["worker_id", "kind", "accuracy", "spammer"])
            for w in self.workers:
                spammer = "true" if w.kind in SPAMMER_KINDS else "false"
                writer.writerow([w.id, w.kind, f"{w.accuracy:.3f}", spammer])
        return path


def _crowd_kinds(n_workers: int) -> list[str]:
    per_spammer_kind = max(1, round(n_workers * 0.025))
    sloppy = max(1, round(n_workers * 0.15))
    careful = n_workers - sloppy - per_spammer_kind * len(SPAMMER_KINDS)
    if careful < 1:
        raise ValueError(f"{n_workers} workers leave no room for careful workers")
    return (
        ["careful"] * careful
        + ["sloppy"] * sloppy
        + [kind for kind in SPAMMER_KINDS for _ in range(per_spammer_kind)]
    )


def _worker_ids(rng: Random, n_workers: int) -> list[str]:
    """Ids like MTurk's: `A` and 12-13 upper-case letters and digits, unique."""
    ids: dict[str, None] = {}
    while len(ids) < n_workers:
        ids["A" + "".join(rng.choices(_ALNUM, k=rng.choice((12, 13))))] = None
    return list(ids)


def _worker(rng: Random, worker_id: str, kind: str) -> Worker:
    profile = _KINDS[kind]
    spread = rng.lognormvariate(0, 0.5) if kind in ("careful", "sloppy") else 1.0
    lifetime, last30, last7 = _approval_history(rng, profile)
    advert_url = advert_email = ""
    if kind == "copy_paster":
        host = rng.choice(_ADVERT_HOSTS)
        advert_url = f"https://{host}/?ref={rng.randint(10, 99)}"
        advert_email = f"info@{host}"
    return Worker(
        id=worker_id,
        kind=kind,
        accuracy=round(rng.uniform(*profile.accuracy), 3),
        activity=profile.activity * spread,
        lifetime_approval=lifetime,
        last30_approval=last30,
        last7_approval=last7,
        advert_url=advert_url,
        advert_email=advert_email,
    )


def _approval_history(rng: Random, profile: _Kind) -> tuple[str, str, str]:
    if rng.random() < profile.new_account:
        return ("0% (0/0)",) * 3
    share = rng.uniform(*profile.approval)
    lifetime = int(rng.lognormvariate(7.0, 1.1)) + 20
    month = min(lifetime, rng.randint(0, 400))
    week = min(month, rng.randint(0, 100))
    return _rate(lifetime, share), _rate(month, share), _rate(week, share)


def _rate(submitted: int, share: float) -> str:
    approved = min(submitted, round(submitted * share))
    percent = approved * 100 // submitted if submitted else 0
    return f"{percent}% ({approved}/{submitted})"


def _pick_workers(
    crowd: Crowd, k: int, exclude: Collection[str], rng: Random
) -> list[Worker]:
    """k distinct workers, drawn by activity, none of them in `exclude`."""
    if exclude or k > len(crowd.workers):
        free = sum(1 for w in crowd.workers if w.id not in exclude)
        if k > free:
            raise ValueError(f"a task needs {k} new workers but only {free} are left")
    tickets, random = crowd._tickets, rng.random
    draws = len(tickets)
    chosen: list[int] = []  # positions in the crowd, in drawing order
    while len(chosen) < k:
        position = tickets[int(random() * draws)]
        if position not in chosen and (
            not exclude or crowd.workers[position].id not in exclude
        ):
            chosen.append(position)
    return [crowd.workers[position] for position in chosen]


# ---------------------------------------------------------------------------
# Behaviours: how each kind of worker answers each stage
# ---------------------------------------------------------------------------

_TRACKING = (
    "utm_source=google",
    "utm_source=newsletter&utm_medium=email",
    "utm_campaign=welcome_week&utm_source=instagram",
    "fbclid=IwAR0x7Yq3kLm9Tz",
    "gclid=EAIaIQobChMI4vKp",
)
_Answer: TypeAlias = dict[str, str]


def _answer(
    stage: str, scene: _Scene, task: _Task, worker: Worker, rng: Random
) -> _Answer:
    """One worker's answer to one task, as field column -> typed text."""
    kind = worker.kind
    if kind in _HONEST_KINDS:
        return _HONEST[stage](scene, task.truth, worker, rng)
    if kind == "blank":
        return {}
    if kind == "copy_paster":
        return _pasted(stage, worker)
    if kind == "fast_clicker":
        return _FAST_CLICKS[stage](scene, task, rng)
    # placeholder workers: careful-ish answers, often replaced by a placeholder
    return _with_placeholders(
        stage, _HONEST[stage](scene, task.truth, worker, rng), rng
    )


def _explicit_none(
    column: str, rng: Random, words: Sequence[str] = _EXPLICIT_NONE
) -> _Answer:
    """Nothing to report: usually a blank answer, sometimes an explicit none."""
    return {column: rng.choice(words)} if rng.random() < 0.35 else {}


# -- honest answers ----------------------------------------------------------


def _honest_directory(
    scene: _Scene, university: Truth, worker: Worker, rng: Random
) -> _Answer:
    if not isinstance(university, University):
        return _explicit_none("student_org_url", rng)
    if rng.random() < worker.accuracy:
        urls = university.directory_urls
        url = urls[0] if len(urls) == 1 or rng.random() < 0.6 else urls[1]
        return {"student_org_url": _url_variant(url, rng)}
    sloppy = worker.kind == "sloppy"
    return {"student_org_url": _wrong_directory(university, sloppy, rng)}


def _wrong_directory(university: University, sloppy: bool, rng: Random) -> str:
    """A wrong page of the right site, a cut-off URL, a search page or nothing."""
    roll = rng.random()
    if sloppy and roll < 0.25:
        return _truncate(rng.choice(university.directory_urls), rng)
    if sloppy and roll < 0.4:
        query = university.name.replace(" ", "+")
        return f"https://www.google.com/search?q={query}+student+organizations"
    if roll < 0.75:
        return rng.choice(_WRONG_PAGES).format(domain=university.domain)
    if roll < 0.92:
        return university.homepage
    return ""


def _honest_clubs(
    scene: _Scene, directory: Truth, worker: Worker, rng: Random
) -> _Answer:
    if not isinstance(directory, Directory):
        return _explicit_none("club_name_1", rng)
    sloppy = worker.kind == "sloppy"
    listed: list[tuple[str, str]] = []
    for club in directory.clubs:
        if club.topic != scene.topic:
            continue
        roll = rng.random()
        if roll < worker.accuracy:
            listed.append((_name_variant(club.name, rng), _url_variant(club.link, rng)))
        elif sloppy and roll < (1 + worker.accuracy) / 2:
            listed.append(_garbled_club(club, directory, rng))
        # otherwise the worker missed the club
    if rng.random() < (1 - worker.accuracy) / 2:
        _add_near_miss(listed, scene.topic, directory, rng)
    if not listed:
        return _explicit_none("club_name_1", rng)
    answer: _Answer = {}
    for slot, (name, link) in enumerate(listed[:CLUB_SLOTS], start=1):
        answer[f"club_name_{slot}"] = name
        answer[f"club_link_{slot}"] = link
    return answer


def _garbled_club(club: Club, directory: Directory, rng: Random) -> tuple[str, str]:
    """A sloppy copy: the directory's URL for the club's, a cut-off link or a typo."""
    roll = rng.random()
    if roll < 0.4:
        return club.name, directory.url
    if roll < 0.7:
        return club.name, _truncate(club.link, rng)
    return _typo(club.name, rng), club.link


def _add_near_miss(
    listed: list[tuple[str, str]], topic: str, directory: Directory, rng: Random
) -> None:
    """Slip in a club that is not about the topic, preferring a similar topic."""
    others = [club for club in directory.clubs if club.topic != topic]
    near = [club for club in others if club.topic in _NEAR_TOPICS.get(topic, ())]
    pool = near or others
    if pool:
        club = rng.choice(pool)
        where = rng.randint(0, len(listed))
        listed.insert(where, (club.name, _url_variant(club.link, rng)))


def _honest_leads(scene: _Scene, club: Truth, worker: Worker, rng: Random) -> _Answer:
    if not isinstance(club, Club):
        return _explicit_none("email_1", rng, ("web page not found", "n/a"))
    answer = _honest_emails(club, worker, rng)
    for column, value in (
        ("facebook", club.facebook),
        ("instagram", club.instagram),
        ("phone_number", club.phone),
        ("website", club.website),
    ):
        copied = _copy(column, value, worker, rng) if value else ""
        if copied:
            answer[column] = copied
    return answer


def _honest_emails(club: Club, worker: Worker, rng: Random) -> _Answer:
    if not club.emails:
        return _explicit_none("email_1", rng)
    copied = [_copy("email", email, worker, rng) for email in club.emails]
    return {f"email_{n}": email for n, email in enumerate(filter(None, copied), 1)}


def _copy(field: str, value: str, worker: Worker, rng: Random) -> str:
    """A right spelling, a sloppy error, or nothing (the worker missed it)."""
    roll = rng.random()
    if roll < worker.accuracy:
        return _VARIANTS[field](value, rng)
    if worker.kind == "sloppy" and roll < (1 + worker.accuracy) / 2:
        return _ERRORS[field](value, rng)
    return ""


def _with_placeholders(stage: str, answer: _Answer, rng: Random) -> _Answer:
    """Half the time, a placeholder instead of the value (or instead of a blank)."""
    if stage == "clubs":
        if rng.random() < 0.5:
            return {"club_name_1": rng.choice(_PLACEHOLDERS)}
        return answer
    typed = dict(answer)
    for column in _STAGES[stage].answers:
        if column == "email_2" and not answer.get(column):
            continue
        if rng.random() < 0.5:
            typed[column] = rng.choice(_PLACEHOLDERS)
    return typed


# -- spam --------------------------------------------------------------------


def _pasted(stage: str, worker: Worker) -> _Answer:
    """The copy-paster's one advert in every URL field and its junk e-mail."""
    url = worker.advert_url
    if stage == "directories":
        return {"student_org_url": url}
    if stage == "clubs":
        title = url.split("//")[1].split(".")[0].replace("-", " ").title()
        return {"club_name_1": title, "club_link_1": url}
    return {"email_1": worker.advert_email, "facebook": url, "website": url}


def _fast_directory(scene: _Scene, task: _Task, rng: Random) -> _Answer:
    decoy = rng.choice(scene.decoys)
    if task.truth is not None and decoy.name == getattr(task.truth, "name", None):
        url = rng.choice(_WRONG_PAGES).format(domain=decoy.domain)
    else:
        url = decoy.directory_urls[0]
    return {"student_org_url": url}


def _fast_clubs(scene: _Scene, task: _Task, rng: Random) -> _Answer:
    host = (
        _host_key(task.inputs.get("directory_link", ""))
        or rng.choice(scene.decoys).domain
    )
    answer: _Answer = {}
    for slot in range(1, rng.randint(1, 3) + 1):
        name = rng.choice(_OTHER_CLUBS[scene.topic])
        answer[f"club_name_{slot}"] = name
        suffix = rng.randrange(10, 1000)
        answer[f"club_link_{slot}"] = (
            f"https://{host}/organization/{_SLUGS[name]}-{suffix}"
        )
    return answer


def _fast_leads(scene: _Scene, task: _Task, rng: Random) -> _Answer:
    domain = rng.choice(scene.decoys).domain
    first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
    answer = {"email_1": f"{first}.{last}@{domain}"}
    if rng.random() < 0.5:
        answer["phone_number"] = _random_phone("United States", rng)
    if rng.random() < 0.4:
        number = rng.randrange(100, 10000)
        answer["facebook"] = f"https://www.facebook.com/{first}{last}{number}"
    if rng.random() < 0.3:
        answer["instagram"] = f"@{last}_{rng.randrange(10, 100)}"
    return answer


_HONEST: dict[str, Callable[[_Scene, Truth, Worker, Random], _Answer]] = {
    "directories": _honest_directory,
    "clubs": _honest_clubs,
    "leads": _honest_leads,
}
_FAST_CLICKS: dict[str, Callable[[_Scene, _Task, Random], _Answer]] = {
    "directories": _fast_directory,
    "clubs": _fast_clubs,
    "leads": _fast_leads,
}


# -- spellings and errors ------------------------------------------------------


def _url_variant(url: str, rng: Random) -> str:
    """The same page as an honest worker might paste it."""
    if rng.random() < 0.5:  # copied from the address bar as it is
        return url
    scheme, _, rest = url.partition("://")
    host, slash, path = rest.partition("/")
    if rng.random() < 0.15:
        scheme = "http"
    if host.startswith("www."):
        if rng.random() < 0.2:
            host = host[4:]
    elif host.count(".") == 1 and rng.random() < 0.15:
        host = "www." + host
    tail = slash + path
    if rng.random() < 0.25:
        tail = tail[:-1] if tail.endswith("/") else tail + "/"
    text = f"{scheme}://{host}{tail}"
    if rng.random() < 0.1:
        text += ("&" if "?" in text else "?") + rng.choice(_TRACKING)
    if rng.random() < 0.03:
        text = f" {text} "
    return text


def _email_variant(email: str, rng: Random) -> str:
    roll = rng.random()
    if roll < 0.10:
        return email.upper()
    if roll < 0.16:
        return "mailto:" + email
    if roll < 0.20:
        return email[0].upper() + email[1:]
    if roll < 0.24:
        return f" {email}"
    return email


def _handle_variant(handle: str, rng: Random) -> str:
    forms = (
        f"@{handle}",
        handle,
        f"https://www.instagram.com/{handle}/",
        f"instagram.com/{handle}",
    )
    return rng.choices(forms, weights=(45, 30, 18, 7))[0]


def _phone_variant(phone: str, rng: Random) -> str:
    if phone.startswith("("):  # North American: (651) 341-8285
        area, exchange, line = phone[1:4], phone[6:9], phone[10:14]
        forms = (
            phone,
            f"{area}-{exchange}-{line}",
            f"{area}{exchange}{line}",
            f"{area}.{exchange}.{line}",
            f"+1 {area} {exchange} {line}",
            f"1-{area}-{exchange}-{line}",
        )
        return rng.choices(forms, weights=(40, 25, 15, 8, 7, 5))[0]
    code, _, national = phone[1:].partition(" ")  # +44 113 496 0123
    digits = code + national.replace(" ", "")
    forms = (phone, digits, "+" + digits, "0" + national)
    return rng.choices(forms, weights=(55, 20, 15, 10))[0]


def _name_variant(name: str, rng: Random) -> str:
    roll = rng.random()
    if roll < 0.85:
        return name
    if roll < 0.92:
        return name.lower()
    if roll < 0.97:
        return f"{name} "
    return name.upper()


def _truncate(url: str, rng: Random) -> str:
    """A URL cut off somewhere after its host, as a hurried copy leaves it."""
    path_starts = url.find("/", url.find("://") + 3)
    if path_starts < 0:
        path_starts = len(url) // 2
    low = min(path_starts + 2, len(url) - 1)
    return url[: rng.randint(low, len(url) - 1)]


def _typo(text: str, rng: Random) -> str:
    """Drop or swap one inner character."""
    if len(text) < 4:
        return text + text[-1:]
    at = rng.randrange(1, len(text) - 2)
    if rng.random() < 0.5 or text[at] == text[at + 1]:
        return text[:at] + text[at + 1 :]
    return text[:at] + text[at + 1] + text[at] + text[at + 2 :]


def _typo_email(email: str, rng: Random) -> str:
    local, _, domain = email.partition("@")
    if rng.random() < 0.3:
        for right, wrong in ((".com", ".con"), (".edu", ".ed"), (".org", ".ogr")):
            if domain.endswith(right):
                return f"{local}@{domain.removesuffix(right)}{wrong}"
    return f"{_typo(local, rng)}@{domain}"


def _wrong_digit(phone: str, rng: Random) -> str:
    places = [at for at, char in enumerate(phone) if char.isdigit()]
    at = rng.choice(places)
    digit = str((int(phone[at]) + rng.randint(1, 9)) % 10)
    return phone[:at] + digit + phone[at + 1 :]


_VARIANTS: dict[str, Callable[[str, Random], str]] = {
    "email": _email_variant,
    "facebook": _url_variant,
    "instagram": _handle_variant,
    "phone_number": _phone_variant,
    "website": _url_variant,
}
_ERRORS: dict[str, Callable[[str, Random], str]] = {
    "email": _typo_email,
    "facebook": _truncate,
    "instagram": _typo,
    "phone_number": _wrong_digit,
    "website": _truncate,
}


# ---------------------------------------------------------------------------
# Batches in MTurk's batch-results format
# ---------------------------------------------------------------------------


class _HitMeta(NamedTuple):
    """The MTurk columns repeated on every assignment row of one task."""

    hit_type_id: str
    title: str
    description: str
    keywords: str
    reward: str
    creation_time: str
    annotation: str
    duration: str
    auto_approval_delay: str
    expiration: str
    similar_hits: str
    lifetime: str


@dataclass(slots=True)
class _Task:
    """One task as a batch works it."""

    # MTurk's HITId
    task_id: str
    # input column -> value, in the batch's input column order
    inputs: dict[str, str]
    truth: Truth
    # assignments this batch adds to the task
    n_assignments: int
    # the task's MaxAssignments once this batch is done
    max_assignments: int
    meta: _HitMeta
    # epoch seconds when the task (or its extension) went on offer
    opens_at: int
    # workers who already worked the task and may not take it again
    exclude: frozenset[str] = frozenset()


def _join_fields(values: Sequence[str]) -> str:
    """Values joined as the inside of a quoted CSV line (quotes doubled)."""
    text = '","'.join(values)
    if text.count('"') != 2 * (len(values) - 1):  # some value holds a quote
        text = '","'.join(value.replace('"', '""') for value in values)
    return text


def _csv_line(values: Sequence[str]) -> str:
    """One CSV line as MTurk writes it: every field quoted, CRLF."""
    return '"' + _join_fields(values) + '"\r\n'


class _Assignments:
    """Turns tasks into assignment rows: picks workers, answers, ids and times.

    Rows come out as finished CSV lines. The parts many rows share (a task's
    metadata and inputs, a worker's approval rates) are quoted and joined once.
    """

    def __init__(
        self,
        stage: str,
        crowd: Crowd,
        scene: _Scene,
        rng: Random,
        timing_label: str,
        taken_ids: Collection[str] = (),
    ) -> None:
        self._stage = stage
        self._answers = _STAGES[stage].answers
        self._crowd = crowd
        self._scene = scene
        self._rng = rng
        self.ids = _IdPool(rng, taken_ids)
        self._clock = _Clock()
        # WorkerId and AssignmentStatus; the three approval rates
        self._worker_heads = {
            w.id: _join_fields((w.id, "Submitted")) for w in crowd.workers
        }
        self._worker_tails = {
            w.id: _join_fields(
                (w.lifetime_approval, w.last30_approval, w.last7_approval)
            )
            for w in crowd.workers
        }
        self._metadata_parts: dict[tuple[_HitMeta, int], str] = {}
        self._timing_label = timing_label

    def rows(self, task: _Task) -> list[str]:
        """The task's new assignments as CSV lines, in the order accepted."""
        rng, answer_columns, blanks = self._rng, self._answers, repeat("")
        workers = _pick_workers(self._crowd, task.n_assignments, task.exclude, rng)
        timed = [(self._timing(task, worker.kind, rng), worker) for worker in workers]
        timed.sort(key=lambda pair: pair[0][0])
        head = f'"{_join_fields((task.task_id,))}","{self._metadata_part(task)}","'
        inputs = _join_fields(tuple(task.inputs.values()))
        lines = []
        for (_, times), worker in timed:
            answer = _answer(self._stage, self._scene, task, worker, rng)
            answers = _join_fields(list(map(answer.get, answer_columns, blanks)))
            # AssignmentId, WorkerId and AssignmentStatus, AcceptTime to
            # WorkTimeInSeconds, the approval rates, inputs, answers, Approve, Reject
            lines.append(
                f'{head}{self.ids.next()}","{self._worker_heads[worker.id]}","{times}",'
                f'"{self._worker_tails[worker.id]}","{inputs}","{answers}","",""\r\n'
            )
        return lines

    def _timing(self, task: _Task, kind: str, rng: Random) -> tuple[int, str]:
        """(accept moment, AcceptTime to WorkTimeInSeconds) for one assignment."""
        draws = _timing_draws(
            self._timing_label, task.opens_at, kind, task.meta.auto_approval_delay
        )
        return draws[int(rng.random() * len(draws))]

    def _metadata_part(self, task: _Task) -> str:
        """HITTypeId to LifetimeInSeconds, quoted and joined once per kind of task."""
        key = (task.meta, task.max_assignments)
        part = self._metadata_parts.get(key)
        if part is None:
            values = list(task.meta)
            values.insert(_MAX_ASSIGNMENTS_AT, str(task.max_assignments))
            part = self._metadata_parts[key] = _join_fields(values)
        return part


# Seconds until a worker accepts a task: exponential with a mean of six hours
# (most within hours, a few days later), as 4,096 quantiles to draw from.
_PICKUP_DELAYS = tuple(
    30 + int(min(_LIFETIME * 0.8, -21600 * math.log(1 - (step + 0.5) / 4096)))
    for step in range(4096)
)


@lru_cache(maxsize=64)
def _timing_draws(
    label: str, opens_at: int, kind: str, approval_delay: str
) -> tuple[tuple[int, str], ...]:
    """4,096 timings for workers of one kind on tasks opened at one moment.

    Formatting times is the slowest part of a row, so each batch draws a row's
    times from these, made once (and shared by the chunks of a campaign).
    """
    rng, clock = _rng(label, opens_at, kind, approval_delay), _Clock()
    return tuple(
        _assignment_timing(clock, rng, opens_at, kind, approval_delay)
        for _ in range(4096)
    )


def _assignment_timing(
    clock: _Clock, rng: Random, opens_at: int, kind: str, approval_delay: str
) -> tuple[int, str]:
    """When a worker of `kind` accepts and submits, with the MTurk time columns."""
    accepted = opens_at + _PICKUP_DELAYS[int(rng.random() * len(_PICKUP_DELAYS))]
    low, high = _KINDS[kind].work_seconds
    seconds = low + int((high - low + 1) * rng.random())
    submitted = accepted + seconds
    approved = submitted + int(approval_delay)
    stamps = '","'.join(map(clock.stamp, (accepted, submitted, approved)))
    return accepted, f'{stamps}","","","","{seconds}'


def _fresh_meta(
    stage: str, topic: str, seed: int, batch_number: int, reward: float, opens_at: int
) -> _HitMeta:
    spec = _STAGES[stage]
    rng = _rng(seed, "task-type", stage, batch_number)
    template_id = 928_000_000 + rng.randrange(1_000_000)
    clock = _Clock()
    return _HitMeta(
        hit_type_id=_IdPool(rng).next(),
        title=spec.title.format(topic=topic),
        description=spec.description.format(topic=topic),
        keywords=spec.keywords.format(topic=topic),
        reward=f"${reward:.2f}",
        creation_time=clock.stamp(opens_at),
        annotation=f"BatchId:{batch_number};OriginalHitTemplateId:{template_id};",
        duration=str(_ASSIGNMENT_DURATION),
        auto_approval_delay=str(_AUTO_APPROVAL_DELAY),
        expiration=clock.stamp(opens_at + _LIFETIME),
        similar_hits="",
        lifetime="",
    )


def _default_batch_number(seed: int, stage: str) -> int:
    return 4_500_000 + _rng(seed, "batch-number", stage).randrange(100_000)


def _default_opening(seed: int, stage: str) -> int:
    """A weekday-morning (Pacific) start in 2019-2021, later for later stages."""
    rng = _rng(seed, "calendar")
    monday = datetime(2019, 1, 7, 17) + timedelta(weeks=rng.randrange(3 * 52))
    day = monday + timedelta(days=rng.randrange(5))
    start = day + timedelta(days=_STAGES[stage].day, seconds=rng.randrange(4 * 3600))
    return _epoch(start)


def _input_columns(
    stage: str, input_rows: Sequence[Mapping[str, str]]
) -> tuple[str, ...]:
    if not input_rows:
        return _STAGES[stage].inputs
    columns = tuple(input_rows[0])
    for number, row in enumerate(input_rows, start=1):
        if set(row) != set(columns):
            raise ValueError(
                f"input row {number} has columns {sorted(row)}, "
                f"expected {list(columns)}"
            )
    return columns


# -- sinks: where rows go ------------------------------------------------------


class _CsvSink:
    """CSV lines to a UTF-8 file, written by a helper thread.

    File writes release the interpreter lock, so a large batch is written while
    the next rows are made; at most one chunk waits, which bounds memory.
    """

    def __init__(self, path: Path) -> None:
        self._handle = path.open("wb")
        self._writer = ThreadPoolExecutor(max_workers=1)
        self._pending: Future[int] | None = None

    def write(self, lines: Iterable[str]) -> None:
        self.write_encoded(["".join(lines).encode()])

    def write_encoded(self, lines: Iterable[bytes]) -> None:
        data = b"".join(lines)
        self._wait()
        self._pending = self._writer.submit(self._handle.write, data)

    def _wait(self) -> None:
        if self._pending is not None:
            self._pending.result()
            self._pending = None

    def close(self) -> None:
        try:
            self._wait()
        finally:
            self._writer.shutdown()
            self._handle.close()


_EXCEL_MONEY = re.compile(r"\$(\d+(?:\.\d+)?)")
_EXCEL_INTEGER = re.compile(r"\+?\d{1,15}")
_EXCEL_DECIMAL = re.compile(r"\d+\.\d+")
# Excel saves workbooks with the time of saving; a fixed one keeps files identical.
_EXCEL_SAVED_AT = datetime(2021, 3, 1, 12, 0, 0)


class _ExcelSink:
    """Rows to an .xlsx as a requester's Excel would save the opened CSV."""

    def __init__(self, path: Path) -> None:
        self._book = xlsxwriter.Workbook(
            str(path),
            {"strings_to_numbers": False, "strings_to_formulas": False},
        )
        self._book.set_properties({"created": _EXCEL_SAVED_AT})
        sheet_name = re.sub(r"[\[\]:*?/\\]", "_", path.stem)[:31]
        self._sheet = self._book.add_worksheet(sheet_name)
        self._money = self._book.add_format({"num_format": '"$"#,##0.00'})
        self._row = 0

    def write(self, lines: Iterable[str]) -> None:
        for values in csv.reader(lines):
            for column, value in enumerate(values):
                if value:
                    self._cell(column, value)
            self._row += 1

    def _cell(self, column: int, value: str) -> None:
        if money := _EXCEL_MONEY.fullmatch(value):
            self._sheet.write_number(self._row, column, float(money[1]), self._money)
        elif _EXCEL_INTEGER.fullmatch(value):
            # Excel drops a leading + or 0 along the way, as it does here
            self._sheet.write_number(self._row, column, int(value))
        elif _EXCEL_DECIMAL.fullmatch(value):
            self._sheet.write_number(self._row, column, float(value))
        else:
            self._sheet.write_string(self._row, column, value)

    def close(self) -> None:
        self._book.close()


def _write_rows(
    path: Path,
    header: Sequence[str],
    tasks: Iterable[_Task],
    assignments: _Assignments,
    *,
    xlsx: bool = False,
    before: Iterable[str] = (),
) -> Path:
    """Stream the assignment rows of `tasks` (after the rows `before`) to `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sink = _ExcelSink(path) if xlsx else _CsvSink(path)
    try:
        sink.write([_csv_line(header)])
        sink.write(before)
        pending: list[str] = []
        for task in tasks:
            pending += assignments.rows(task)
            if len(pending) >= 20_000:
                sink.write(pending)
                pending.clear()
        sink.write(pending)
    finally:
        sink.close()
    return path


# -- public batch writers --------------------------------------------------------


def simulate_batch(
    world: World,
    crowd: Crowd,
    stage: str,
    input_rows: Sequence[Mapping[str, str]],
    path: Path | str,
    *,
    seed: int,
    assignments_per_task: int = 3,
    batch_number: int | None = None,
    reward: float | None = None,
    created_at: datetime | None = None,
    xlsx: bool = False,
) -> Path:
    """Have the crowd work one task per input row; write the batch results.

    Each task gets `assignments_per_task` distinct workers, drawn by activity
    (spammers take a realistic share, the copy-paster many tasks), and one row per
    assignment with the full MTurk header. The batch is fixed by (seed, stage,
    batch_number); pass another batch number for another batch of the same stage.
    `reward` defaults to the stage's reward, `created_at` (naive = UTC) to a date
    derived from the seed. With `xlsx=True` the file is instead the Excel re-save,
    written with the suffix `.xlsx`. Returns the path written.
    """
    _stage(stage)
    if assignments_per_task < 1:
        raise ValueError("assignments_per_task must be at least 1")
    columns = _input_columns(stage, input_rows)
    number = (
        batch_number if batch_number is not None else _default_batch_number(seed, stage)
    )
    opens_at = _epoch(created_at) if created_at else _default_opening(seed, stage)
    price = _STAGES[stage].reward if reward is None else reward
    meta = _fresh_meta(stage, world.topic, seed, number, price, opens_at)
    label = f"{seed}:batch:{stage}:{number}"
    assignments = _Assignments(stage, crowd, world._scene(), _rng(label), label)
    tasks = [
        _Task(
            task_id=assignments.ids.next(),
            inputs={column: row[column] for column in columns},
            truth=world.resolve(stage, row),
            n_assignments=assignments_per_task,
            max_assignments=assignments_per_task,
            meta=meta,
            opens_at=opens_at,
        )
        for row in input_rows
    ]
    target = Path(path).with_suffix(".xlsx") if xlsx else Path(path)
    return _write_rows(
        target, batch_header(stage, columns), tasks, assignments, xlsx=xlsx
    )


def simulate_rerun(
    world: World,
    crowd: Crowd,
    previous: Path | str,
    path: Path | str,
    *,
    seed: int,
    extra_assignments: int = 1,
    task_ids: Collection[str] | None = None,
    same_task_ids: bool = True,
    include_previous: bool = False,
    xlsx: bool = False,
) -> Path:
    """More assignments on tasks of an earlier batch (a full batch-results CSV).

    `task_ids` picks the tasks (MTurk HITIds; default all). With
    `same_task_ids=True` the tasks are extended: same HITId and metadata,
    MaxAssignments raised by `extra_assignments` (MTurk refuses to take a task
    created with fewer than 10 assignments to 10 or more, and so does this).
    Otherwise the same inputs are published again as new tasks in a new batch.
    Either way the new assignments have new ids and come from workers who have not
    worked the task yet, after the earlier batch's last submission.
    `include_previous=True` also writes the earlier rows first, as re-downloading
    the batch after extending it gives them.
    """
    header, rows = _read_batch(Path(previous))
    stage = _stage_of(header)
    columns = tuple(
        name[len("Input.") :] for name in header if name.startswith("Input.")
    )
    if header != batch_header(stage, columns):
        raise ValueError(f"{previous} is not a full batch-results file")
    by_task = _rows_by_task(rows)
    chosen = [task_id for task_id in by_task if task_ids is None or task_id in task_ids]
    # the earlier batch, the tasks chosen and their extra work fix the rerun
    chosen_digest = sha256("\n".join(chosen).encode()).hexdigest()[:16]
    first_id = rows[0]["AssignmentId"] if rows else ""
    label = f"{seed}:rerun:{stage}:{first_id}:{chosen_digest}:{extra_assignments}"
    rng = _rng(label)
    taken = {row["AssignmentId"] for row in rows} | set(by_task)
    assignments = _Assignments(stage, crowd, world._scene(), rng, label, taken)
    opens_at = max((_parse_stamp(r["SubmitTime"]) for r in rows), default=0)
    opens_at += rng.randrange(3600, 2 * 86400)
    fresh_meta = None
    if not same_task_ids:
        reward = float(rows[0]["Reward"].lstrip("$")) if rows else None
        number = 4_500_000 + rng.randrange(100_000)
        fresh_meta = _fresh_meta(
            stage, world.topic, seed, number, reward or _STAGES[stage].reward, opens_at
        )
    tasks = []
    for task_id in chosen:
        earlier = by_task[task_id]
        if fresh_meta is None:
            meta, most = _extended(earlier[0], extra_assignments, opens_at)
        else:
            meta, most, task_id = fresh_meta, extra_assignments, assignments.ids.next()
        inputs = {column: earlier[0][f"Input.{column}"] for column in columns}
        tasks.append(
            _Task(
                task_id=task_id,
                inputs=inputs,
                truth=world.resolve(stage, inputs),
                n_assignments=extra_assignments,
                max_assignments=most,
                meta=meta,
                opens_at=opens_at,
                exclude=frozenset(row["WorkerId"] for row in earlier),
            )
        )
    before = _previous_rows(header, rows, tasks) if include_previous else ()
    target = Path(path).with_suffix(".xlsx") if xlsx else Path(path)
    return _write_rows(target, header, tasks, assignments, xlsx=xlsx, before=before)


def _read_batch(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        return list(reader.fieldnames or ()), rows


def _stage_of(header: Sequence[str]) -> str:
    answers = {name[len("Answer.") :] for name in header if name.startswith("Answer.")}
    for stage, spec in _STAGES.items():
        if answers == set(spec.answers):
            return stage
    raise ValueError(f"no stage has the answer columns {sorted(answers)}")


def _rows_by_task(rows: Iterable[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    grouped: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        grouped.setdefault(row["HITId"], []).append(row)
    return grouped


def _extended(first: dict[str, str], extra: int, opens_at: int) -> tuple[_HitMeta, int]:
    """A task's metadata and MaxAssignments once `extra` assignments are added."""
    before = int(first["MaxAssignments"])
    after = before + extra
    if before < 10 <= after:
        raise ValueError(
            f"task {first['HITId']} was created with {before} assignments; "
            f"extending it to {after} (10 or more) is not allowed"
        )
    expiration = max(_parse_stamp(first["Expiration"]), opens_at + _LIFETIME)
    meta = _HitMeta(*(first[name] for name in _META_COLUMNS))
    return meta._replace(expiration=_Clock().stamp(expiration)), after


# The batch-results columns _HitMeta holds, in its field order; MaxAssignments
# goes between CreationTime and RequesterAnnotation.
_META_COLUMNS = (
    "HITTypeId",
    "Title",
    "Description",
    "Keywords",
    "Reward",
    "CreationTime",
    "RequesterAnnotation",
    "AssignmentDurationInSeconds",
    "AutoApprovalDelayInSeconds",
    "Expiration",
    "NumberOfSimilarHITs",
    "LifetimeInSeconds",
)
_MAX_ASSIGNMENTS_AT = _META_COLUMNS.index("RequesterAnnotation")


def _previous_rows(
    header: Sequence[str], rows: Iterable[dict[str, str]], tasks: Sequence[_Task]
) -> Iterator[str]:
    """Earlier rows as a fresh download shows them after the tasks were extended."""
    extended = {task.task_id: task for task in tasks}
    for row in rows:
        task = extended.get(row["HITId"])
        if task is not None:
            row = {
                **row,
                "MaxAssignments": str(task.max_assignments),
                "Expiration": task.meta.expiration,
            }
        yield _csv_line([row[name] for name in header])


def resave_as_excel(csv_path: Path | str, xlsx_path: Path | str | None = None) -> Path:
    """The .xlsx a requester gets by opening a batch CSV in Excel and saving it."""
    source = Path(csv_path)
    target = Path(xlsx_path) if xlsx_path is not None else source.with_suffix(".xlsx")
    sink = _ExcelSink(target)
    try:
        with source.open(newline="", encoding="utf-8") as handle:
            sink.write(handle)
    finally:
        sink.close()
    return target


# ---------------------------------------------------------------------------
# Benchmark-scale campaigns
# ---------------------------------------------------------------------------


# A campaign is made in chunks of this many universities, each from its own
# random streams, so chunks can be made in parallel and the file stays the same.
_CHUNK_UNIVERSITIES = 8192


@dataclass(frozen=True)
class _Campaign:
    """Everything a process needs to make one chunk of a campaign."""

    seed: int
    stage: str
    topic: str
    assignments_per_task: int
    # no chunk needs more tasks than the whole campaign
    n_tasks: int
    n_workers: int
    batch_number: int
    opens_at: int


@lru_cache(maxsize=2)
def _campaign_crowd(seed: int, n_workers: int) -> Crowd:
    return Crowd.generate(seed, n_workers=n_workers)


def _campaign_chunk(campaign: _Campaign, chunk: int) -> list[list[bytes]]:
    """The assignment lines of the tasks in one chunk, task by task, encoded."""
    seed, stage, topic = campaign.seed, campaign.stage, campaign.topic
    per_task, opens_at = campaign.assignments_per_task, campaign.opens_at
    scene = _Scene(topic, tuple(islice(_universities(seed), 200)))
    label = f"{seed}:batch:{stage}:{campaign.batch_number}"
    crowd = _campaign_crowd(seed, campaign.n_workers)
    assignments = _Assignments(stage, crowd, scene, _rng(label, chunk), label)
    meta = _fresh_meta(
        stage, topic, seed, campaign.batch_number, _STAGES[stage].reward, opens_at
    )
    universities = islice(
        _universities(seed, chunk * _CHUNK_UNIVERSITIES), _CHUNK_UNIVERSITIES
    )
    # leads tasks need the contacts of relevant clubs; clubs tasks need none
    contact_topics = (topic,) if stage == "leads" else ()
    directories_of = partial(
        _make_directories, seed, topic, contact_topics=contact_topics
    )
    found = _iter_tasks(stage, universities, directories_of, topic)
    groups = []
    for inputs, truth in islice(found, campaign.n_tasks):
        new_id = assignments.ids.next()
        task = _Task(new_id, inputs, truth, per_task, per_task, meta, opens_at)
        groups.append([line.encode() for line in assignments.rows(task)])
    return groups


def _campaign_chunks(
    campaign: _Campaign, processes: int
) -> Iterator[list[list[bytes]]]:
    """Chunk after chunk, made by `processes` processes working ahead."""
    if processes <= 1:
        for chunk in range(_BRANCHES // _CHUNK_UNIVERSITIES):
            yield _campaign_chunk(campaign, chunk)
        return
    with get_context("spawn").Pool(processes) as pool:
        waiting: deque[AsyncResult[list[list[bytes]]]] = deque()
        for chunk in range(_BRANCHES // _CHUNK_UNIVERSITIES):
            waiting.append(pool.apply_async(_campaign_chunk, (campaign, chunk)))
            if len(waiting) > 2 * processes:
                yield waiting.popleft().get()
        while waiting:
            yield waiting.popleft().get()


def write_campaign(
    path: Path | str,
    n_assignments: int,
    *,
    seed: int = 0,
    stage: str = "directories",
    topic: str = "dentistry",
    assignments_per_task: int = 3,
    processes: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> Path:
    """Write one large batch of `n_assignments` rows for `stage`, streaming.

    Tasks are distinct (n_assignments / assignments_per_task of them, the last
    one short if it does not divide) and come from a world as large as needed,
    made on the fly and never held in memory; the crowd grows with the batch (one
    worker per 200 assignments, 40 to 5,000). Large campaigns are made in chunks
    by `processes` processes (default: one per processor, at most 4, for more than
    one chunk); the file is the same whatever the number. The processes are
    spawned, so a script calling this needs the `if __name__ == "__main__":`
    guard. `progress`, if given, is called with the number of rows written so far
    after each chunk (about 25,000 rows).
    """
    _stage(stage)
    if n_assignments < 1 or assignments_per_task < 1:
        raise ValueError("n_assignments and assignments_per_task must be at least 1")
    if topic not in _CLUB_CATALOG:
        raise ValueError(f"unknown topic {topic!r}")
    n_tasks = math.ceil(n_assignments / assignments_per_task)
    campaign = _Campaign(
        seed=seed,
        stage=stage,
        topic=topic,
        assignments_per_task=assignments_per_task,
        n_tasks=n_tasks,
        n_workers=max(40, min(5000, n_assignments // 200)),
        batch_number=_default_batch_number(seed, stage),
        opens_at=_default_opening(seed, stage),
    )
    if processes is None:
        processes = min(4, os.cpu_count() or 1) if n_tasks > _CHUNK_UNIVERSITIES else 1
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    sink = _CsvSink(target)
    try:
        sink.write([_csv_line(batch_header(stage, _STAGES[stage].inputs))])
        written = 0
        for groups in _campaign_chunks(campaign, processes):
            lines: list[bytes] = []
            for group in groups:
                take = min(len(group), n_assignments - written)
                lines += group[:take]
                written += take
                if written == n_assignments:
                    break
            sink.write_encoded(lines)
            if progress is not None:
                progress(written)
            if written == n_assignments:
                break
    finally:
        sink.close()
    if written < n_assignments:
        raise ValueError(
            f"the world has too few {stage} tasks for {n_assignments} rows"
        )
    return target
