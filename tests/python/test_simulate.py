"""Tests of the crowd simulator: determinism, the MTurk format, planted behaviours."""

import csv
import re
from collections import Counter, defaultdict
from datetime import datetime, timedelta

import openpyxl
import pytest

from hitflow.simulate import (
    SPAMMER_KINDS,
    Crowd,
    World,
    resave_as_excel,
    simulate_batch,
    simulate_rerun,
    write_campaign,
)

SEED = 11

# The MTurk batch-results columns before Input.*, as MTurk writes them.
MTURK_COLUMNS = [
    "HITId", "HITTypeId", "Title", "Description", "Keywords", "Reward",
    "CreationTime", "MaxAssignments", "RequesterAnnotation",
    "AssignmentDurationInSeconds", "AutoApprovalDelayInSeconds", "Expiration",
    "NumberOfSimilarHITs", "LifetimeInSeconds", "AssignmentId", "WorkerId",
    "AssignmentStatus", "AcceptTime", "SubmitTime", "AutoApprovalTime",
    "ApprovalTime", "RejectionTime", "RequesterFeedback", "WorkTimeInSeconds",
    "LifetimeApprovalRate", "Last30DaysApprovalRate", "Last7DaysApprovalRate",
]  # fmt: skip
INPUTS = {
    "directories": ["university_name", "city", "country"],
    "clubs": ["university", "city", "country", "directory_link"],
    "leads": [
        "university", "city", "country", "directory_link", "club_name", "club_link"
    ],
}  # fmt: skip
ANSWERS = {
    "directories": ["student_org_url"],
    "clubs": [f"club_{part}_{n}" for part in ("name", "link") for n in range(1, 11)],
    "leads": ["email_1", "email_2", "facebook", "instagram", "phone_number", "website"],
}
MONTHS = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
]  # fmt: skip
STAMP = re.compile(
    r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) (\d\d) "
    r"(\d\d):(\d\d):(\d\d) (PST|PDT) (\d{4})"
)
MTURK_ID = re.compile(r"[A-Z0-9]{30}")


@pytest.fixture(scope="module")
def world() -> World:
    return World.generate(SEED, n_universities=150)


@pytest.fixture(scope="module")
def crowd() -> Crowd:
    return Crowd.generate(SEED)


@pytest.fixture(scope="module")
def batches(world, crowd, tmp_path_factory) -> dict:
    """One batch per stage, read back as rows of dicts."""
    folder = tmp_path_factory.mktemp("batches")
    return {
        stage: read(
            simulate_batch(
                world,
                crowd,
                stage,
                world.inputs(stage),
                folder / f"{stage}.csv",
                seed=SEED,
            )
        )
        for stage in INPUTS
    }


def read(path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def header_of(path) -> list[str]:
    with open(path, newline="", encoding="utf-8") as handle:
        return next(csv.reader(handle))


def inputs_of(row: dict[str, str]) -> tuple[str, ...]:
    return tuple(value for name, value in row.items() if name.startswith("Input."))


def url_key(url: str) -> str:
    """A rough URL normalisation, enough to compare honest spellings."""
    text = url.strip().lower().removeprefix("mailto:").split("://")[-1]
    return text.removeprefix("www.").split("?")[0].rstrip("/")


def moment(stamp: str) -> datetime:
    match = STAMP.fullmatch(stamp)
    assert match, stamp
    _, month, day, hour, minute, second, zone, year = match.groups()
    local = datetime(
        int(year),
        MONTHS.index(month) + 1,
        int(day),
        int(hour),
        int(minute),
        int(second),
    )
    return local + timedelta(hours=7 if zone == "PDT" else 8)


def rows_of(rows: list[dict], worker_ids) -> list[dict]:
    return [row for row in rows if row["WorkerId"] in set(worker_ids)]


# -- determinism -------------------------------------------------------------


def write_all(seed: int, folder) -> list[bytes]:
    world, crowd = World.generate(seed, 40), Crowd.generate(seed)
    paths = [
        simulate_batch(
            world, crowd, stage, world.inputs(stage), folder / f"{stage}.csv", seed=seed
        )
        for stage in INPUTS
    ]
    paths += world.write_truth(folder / "truth")
    paths.append(crowd.write_truth(folder / "truth"))
    return [path.read_bytes() for path in paths]


def test_same_seed_gives_byte_identical_files(tmp_path):
    first = write_all(SEED, tmp_path / "a")
    assert write_all(SEED, tmp_path / "b") == first
    assert all(first)


def test_different_seed_gives_different_files(tmp_path):
    first = write_all(SEED, tmp_path / "a")
    other = write_all(SEED + 1, tmp_path / "b")
    assert all(mine != theirs for mine, theirs in zip(first, other, strict=True))


def test_a_smaller_world_is_a_prefix_of_a_larger_one():
    small, large = World.generate(5, 30), World.generate(5, 300)
    assert small.universities == large.universities[:30]
    assert small.truth_clubs().items() <= large.truth_clubs().items()


# -- the MTurk format --------------------------------------------------------


@pytest.mark.parametrize("stage", INPUTS)
def test_header_is_the_full_mturk_header(world, crowd, tmp_path, stage):
    path = simulate_batch(
        world, crowd, stage, world.inputs(stage)[:5], tmp_path / "b.csv", seed=SEED
    )
    header = header_of(path)
    answers = header[len(MTURK_COLUMNS) + len(INPUTS[stage]) : -2]
    assert header[: len(MTURK_COLUMNS)] == MTURK_COLUMNS
    assert header[len(MTURK_COLUMNS) :][: len(INPUTS[stage])] == [
        f"Input.{name}" for name in INPUTS[stage]
    ]
    # MTurk sorts answer columns by name: club_link_10 before club_link_2
    assert answers == sorted(f"Answer.{name}" for name in ANSWERS[stage])
    assert header[-2:] == ["Approve", "Reject"]


def test_input_columns_follow_the_input_rows(world, crowd, tmp_path):
    rows = world.inputs("directories", city_state=True)
    path = simulate_batch(
        world, crowd, "directories", rows, tmp_path / "b.csv", seed=SEED
    )
    assert header_of(path)[27:29] == ["Input.university_name", "Input.city_state"]
    assert read(path)[0]["Input.city_state"] == rows[0]["city_state"]


def test_file_is_quoted_utf8_with_crlf(batches, world, crowd, tmp_path):
    path = simulate_batch(
        world, crowd, "clubs", world.inputs("clubs")[:3], tmp_path / "b.csv", seed=SEED
    )
    data = path.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8").split("\r\n")
    assert lines[-1] == "" and all(line.startswith('"') for line in lines[:-1])
    assert "\n" not in data.decode().replace("\r\n", "")


def test_inputs_with_quotes_and_line_breaks_survive(world, crowd, tmp_path):
    name = 'The "Other" University'
    rows = [
        {"university_name": name, "city": "Line\nBreak", "country": "Côte d'Ivoire"}
    ]
    path = simulate_batch(
        world, crowd, "directories", rows, tmp_path / "b.csv", seed=SEED
    )
    read_back = read(path)
    assert len(read_back) == 3
    assert {row["Input.university_name"] for row in read_back} == {name}
    assert {row["Input.city"] for row in read_back} == {"Line\nBreak"}
    assert {row["Input.country"] for row in read_back} == {"Côte d'Ivoire"}


@pytest.mark.parametrize("stage", INPUTS)
def test_one_row_per_assignment_and_distinct_workers(world, batches, stage):
    rows = batches[stage]
    by_task = defaultdict(list)
    for row in rows:
        by_task[row["HITId"]].append(row)
    assert len(by_task) == len(world.inputs(stage))
    assert len(rows) == 3 * len(by_task)
    for task_rows in by_task.values():
        assert len({row["WorkerId"] for row in task_rows}) == 3
        assert len({inputs_of(row) for row in task_rows}) == 1
    assignment_ids = [row["AssignmentId"] for row in rows]
    assert len(set(assignment_ids)) == len(rows)
    assert all(MTURK_ID.fullmatch(i) for i in assignment_ids + list(by_task))


def test_values_look_like_mturk(batches):
    rows = batches["directories"]
    assert {row["Reward"] for row in rows} == {"$0.05"}
    assert {row["AssignmentStatus"] for row in rows} == {"Submitted"}
    assert {row["Approve"] + row["Reject"] for row in rows} == {""}
    annotation = re.compile(r"BatchId:\d+;OriginalHitTemplateId:\d+;")
    assert all(annotation.fullmatch(row["RequesterAnnotation"]) for row in rows)
    rate = re.compile(r"\d{1,3}% \((\d+)/(\d+)\)")
    for row in rows:
        for column in MTURK_COLUMNS[-3:]:
            approved, submitted = map(int, rate.fullmatch(row[column]).groups())
            assert approved <= submitted
        accepted, submitted = moment(row["AcceptTime"]), moment(row["SubmitTime"])
        work = timedelta(seconds=int(row["WorkTimeInSeconds"]))
        assert submitted - accepted == work
        assert moment(row["AutoApprovalTime"]) - submitted == timedelta(days=3)
        assert moment(row["CreationTime"]) <= accepted


def test_time_zone_follows_daylight_saving(world, crowd, tmp_path):
    zones = {}
    for when in (datetime(2021, 1, 15, 18), datetime(2021, 7, 15, 18)):
        path = simulate_batch(
            world,
            crowd,
            "directories",
            world.inputs("directories"),
            tmp_path / f"{when.month}.csv",
            seed=SEED,
            created_at=when,
        )
        zones[when.month] = read(path)[0]["CreationTime"]
    assert zones[1] == "Fri Jan 15 10:00:00 PST 2021"
    assert zones[7] == "Thu Jul 15 11:00:00 PDT 2021"


# -- the crowd ---------------------------------------------------------------


def test_crowd_has_mturk_like_ids_and_the_planted_mix(crowd):
    ids = [worker.id for worker in crowd.workers]
    assert len(ids) == 40 == len(set(ids))
    assert all(re.fullmatch(r"A[A-Z0-9]{12,13}", worker_id) for worker_id in ids)
    kinds = Counter(worker.kind for worker in crowd.workers)
    assert kinds["careful"] > len(ids) / 2
    assert kinds["sloppy"] >= 3
    spammers = crowd.spammers()
    assert list(spammers) == list(SPAMMER_KINDS)
    assert all(len(spammers[kind]) >= 1 for kind in SPAMMER_KINDS)
    for worker in crowd.workers:
        if worker.kind == "careful":
            assert 0.85 <= worker.accuracy <= 0.98
        if worker.kind == "sloppy":
            assert 0.55 <= worker.accuracy <= 0.75


def test_blank_worker_answers_nothing_within_seconds(batches, crowd):
    for stage, rows in batches.items():
        mine = rows_of(rows, crowd.spammers()["blank"])
        assert mine, f"the blank worker did no {stage} task"
        for row in mine:
            assert all(not v for k, v in row.items() if k.startswith("Answer."))
            assert int(row["WorkTimeInSeconds"]) < 15


def test_copy_paster_pastes_one_advert_across_many_tasks(batches, crowd):
    pasters = set(crowd.spammers()["copy_paster"])
    directories = batches["directories"]
    mine = rows_of(directories, pasters)
    urls = {row["Answer.student_org_url"] for row in mine}
    assert len(urls) == 1
    assert len({row["HITId"] for row in mine}) >= 10
    others = {
        row["Answer.student_org_url"]
        for row in directories
        if row["WorkerId"] not in pasters
    }
    assert not urls & others
    (advert,) = urls
    for row in rows_of(batches["leads"], pasters):
        assert row["Answer.facebook"] == row["Answer.website"] == advert
        assert row["Answer.email_1"].endswith(advert.split("/")[2])


def test_fast_clicker_is_fast_and_wrong(batches, crowd, world):
    truth = world.truth_directories()
    mine = rows_of(batches["directories"], crowd.spammers()["fast_clicker"])
    assert mine
    for row in mine:
        assert 5 <= int(row["WorkTimeInSeconds"]) <= 15
        right = {url_key(url) for url in truth[row["Input.university_name"]]}
        assert url_key(row["Answer.student_org_url"]) not in right


def test_placeholder_worker_types_placeholders(batches, crowd):
    mine = rows_of(batches["leads"], crowd.spammers()["placeholder"])
    typed = Counter(
        v for row in mine for k, v in row.items() if k.startswith("Answer.")
    )
    assert {"n@a", "-", "none", "n/a"} & set(typed)
    assert sum(typed[word] for word in ("n@a", "-", "none", "n/a")) >= len(mine)


def test_careful_workers_are_mostly_right_in_varied_spellings(batches, crowd, world):
    careful = [w.id for w in crowd.workers if w.kind == "careful"]
    truth = world.truth_directories()
    rows = rows_of(batches["directories"], careful)
    answers = [
        (row["Answer.student_org_url"], truth[row["Input.university_name"]])
        for row in rows
    ]
    right = [a for a, urls in answers if url_key(a) in {url_key(u) for u in urls}]
    assert len(right) >= 0.8 * len(rows)
    exact = {url for urls in truth.values() for url in urls}
    assert any(answer not in exact for answer in right)  # http, www., slash, utm_


def test_sloppy_workers_are_less_right_than_careful_ones(batches, crowd, world):
    truth = world.truth_directories()

    def share_right(kind: str) -> float:
        ids = [w.id for w in crowd.workers if w.kind == kind]
        rows = rows_of(batches["directories"], ids)
        right = sum(
            url_key(row["Answer.student_org_url"])
            in {url_key(u) for u in truth[row["Input.university_name"]]}
            for row in rows
        )
        return right / len(rows)

    assert share_right("sloppy") < share_right("careful") - 0.1


def test_honest_workers_report_no_email_as_blank_or_explicit_none(
    batches, crowd, world
):
    honest = {w.id for w in crowd.workers if w.kind in ("careful", "sloppy")}
    leads = world.truth_leads()
    typed = Counter(
        row["Answer.email_1"]
        for row in rows_of(batches["leads"], honest)
        if not leads[row["Input.club_link"]]["email"]
    )
    assert typed and set(typed) <= {"", "n/a", "none", "N/A", "None"}


# -- the truth ---------------------------------------------------------------


def test_truth_has_the_promised_shape(world, tmp_path):
    directories = world.truth_directories()
    assert len(directories) == 150
    counts = Counter(len(urls) for urls in directories.values())
    assert set(counts) == {1, 2} and 3 <= counts[2] <= 35
    assert len({url for urls in directories.values() for url in urls}) == sum(
        len(urls) for urls in directories.values()
    )
    clubs = world.truth_clubs()
    assert {len(found) for found in clubs.values()} == {0, 1, 2, 3, 4}
    for university in world.universities:
        for directory in world.directories(university):
            assert 3 <= len(directory.clubs) <= 15
            host = directory.url.split("/")[2]
            assert all(club.link.split("/")[2] == host for club in directory.clubs)
    leads = world.truth_leads()
    assert set(leads) == {link for found in clubs.values() for _, link in found}
    assert any(not lead["email"] for lead in leads.values())
    assert any(
        re.fullmatch(r"\(\d{3}\) \d{3}-\d{4}", phone)
        for lead in leads.values()
        for phone in lead["phone_number"]
    )
    assert {u.country for u in world.universities} > {"United States"}

    paths = world.write_truth(tmp_path)
    assert [p.name for p in paths] == [
        "truth_directories.csv",
        "truth_clubs.csv",
        "truth_leads.csv",
    ]
    assert len(read(paths[0])) == sum(counts[n] * n for n in counts)
    lead_rows = read(paths[2])
    assert set(lead_rows[0]) == {
        "university",
        "club_name",
        "club_link",
        "field",
        "value",
    }
    assert {row["club_link"] for row in lead_rows} == set(leads)


def test_inputs_point_back_at_the_truth(world):
    for stage in INPUTS:
        for row in world.inputs(stage)[:40]:
            assert list(row) == INPUTS[stage]
            assert world.resolve(stage, row) is not None
    club = world.inputs("leads")[0]
    spelled = "HTTP://WWW." + club["club_link"].split("://")[1] + "/?utm_source=x"
    assert world.find_club(spelled) == world.find_club(club["club_link"])


# -- Excel re-save -----------------------------------------------------------


def test_xlsx_is_the_excel_resave(world, crowd, tmp_path):
    inputs = world.inputs("leads")
    csv_path = simulate_batch(
        world, crowd, "leads", inputs, tmp_path / "b.csv", seed=SEED
    )
    xlsx_path = simulate_batch(
        world, crowd, "leads", inputs, tmp_path / "b.csv", seed=SEED, xlsx=True
    )
    assert xlsx_path.suffix == ".xlsx"
    sheet = openpyxl.load_workbook(xlsx_path).active
    cells = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = header_of(csv_path)
    assert cells[0] == header
    assert cells[1][header.index("Reward")] == pytest.approx(0.08)
    phone = header.index("Answer.phone_number")
    typed = [row["Answer.phone_number"] for row in read(csv_path)]
    saved = [row[phone] for row in cells[1:]]
    for text, value in zip(typed, saved, strict=True):
        if not text:
            assert value is None
        elif text.lstrip("+").isdigit():  # Excel turns digits into a number
            assert value == int(text)
        else:
            assert value == text
    assert any(isinstance(value, int) for value in saved)
    assert cells[1][header.index("WorkerId")] == read(csv_path)[0]["WorkerId"]

    resaved = openpyxl.load_workbook(resave_as_excel(csv_path, tmp_path / "r.xlsx"))
    assert [[c.value for c in row] for row in resaved.active.iter_rows()] == cells


# -- reruns ------------------------------------------------------------------


def test_rerun_extends_the_same_tasks_with_new_assignments(world, tmp_path):
    crowd = Crowd.generate(SEED, n_workers=8)  # few workers: repeats would show
    inputs = world.inputs("directories")
    first = simulate_batch(
        world, crowd, "directories", inputs, tmp_path / "b.csv", seed=SEED
    )
    before = read(first)
    chosen = {row["HITId"] for row in before[::6]}
    again = read(
        simulate_rerun(
            world,
            crowd,
            first,
            tmp_path / "r.csv",
            seed=SEED,
            extra_assignments=2,
            task_ids=chosen,
        )
    )
    assert len(again) == 2 * len(chosen)
    assert {row["HITId"] for row in again} == chosen
    assert {row["MaxAssignments"] for row in again} == {"5"}
    assert not {row["AssignmentId"] for row in again} & {
        row["AssignmentId"] for row in before
    }
    for task_id in chosen:
        earlier = {row["WorkerId"] for row in before if row["HITId"] == task_id}
        later = [row["WorkerId"] for row in again if row["HITId"] == task_id]
        assert len(set(later)) == 2 and not earlier & set(later)
    last_submit = max(moment(row["SubmitTime"]) for row in before)
    assert all(moment(row["AcceptTime"]) > last_submit for row in again)


def test_rerun_can_republish_as_new_tasks(world, crowd, tmp_path):
    first = simulate_batch(
        world, crowd, "clubs", world.inputs("clubs"), tmp_path / "b.csv", seed=SEED
    )
    before = read(first)
    again = read(
        simulate_rerun(
            world,
            crowd,
            first,
            tmp_path / "r.csv",
            seed=SEED,
            same_task_ids=False,
            include_previous=True,
        )
    )
    assert again[: len(before)] == before
    new = again[len(before) :]
    assert len(new) == len({row["HITId"] for row in before})
    assert not {row["HITId"] for row in new} & {row["HITId"] for row in before}
    assert {row["Input.directory_link"] for row in new} == {
        row["Input.directory_link"] for row in before
    }
    assert {row["MaxAssignments"] for row in new} == {"1"}


def test_rerun_refuses_to_take_a_task_to_ten_assignments(world, crowd, tmp_path):
    first = simulate_batch(
        world,
        crowd,
        "directories",
        world.inputs("directories"),
        tmp_path / "b.csv",
        seed=SEED,
    )
    with pytest.raises(ValueError, match="10 or more"):
        simulate_rerun(
            world, crowd, first, tmp_path / "r.csv", seed=SEED, extra_assignments=7
        )


# -- campaigns ---------------------------------------------------------------


def test_write_campaign_writes_the_rows_asked_for(tmp_path):
    seen = []
    path = write_campaign(tmp_path / "c.csv", 3001, seed=3, progress=seen.append)
    rows = read(path)
    assert len(rows) == 3001 and seen[-1] == 3001
    assert header_of(path) == MTURK_COLUMNS + [
        f"Input.{name}" for name in INPUTS["directories"]
    ] + ["Answer.student_org_url", "Approve", "Reject"]
    per_task = Counter(row["HITId"] for row in rows)
    assert sorted(Counter(per_task.values()).items()) == [(1, 1), (3, 1000)]
    assert len({row["Input.university_name"] for row in rows}) == 1001
    assert len({row["AssignmentId"] for row in rows}) == 3001


@pytest.mark.parametrize("stage", ["clubs", "leads"])
def test_write_campaign_works_for_every_stage(tmp_path, stage):
    rows = read(write_campaign(tmp_path / "c.csv", 600, seed=3, stage=stage))
    assert len(rows) == 600
    assert len({inputs_of(row) for row in rows}) == 200


def test_write_campaign_is_the_same_in_parallel(tmp_path):
    n = 3 * 8200  # more than one chunk of universities
    serial = write_campaign(tmp_path / "one.csv", n, seed=4, processes=1)
    parallel = write_campaign(tmp_path / "two.csv", n, seed=4, processes=2)
    assert serial.read_bytes() == parallel.read_bytes()
    assert len(read(serial)) == n
