"""Demo minutes and attachments of the KPR's meetings: invented, marked as Beispieldaten.

Each meeting's minutes differ: they name the meeting's topic, the measures running on that day
with their districts and working groups, what started or ended since the previous meeting, and
the date of the next one. Held meetings get a small generated PDF (a status report of the
office) as a public attachment.
"""

import datetime
import zlib

DEMO_MARK = "*Beispieldaten – erfundene Niederschrift für die Demo, keine amtliche Niederschrift.*"
WEEKDAYS = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]


def weekday_on_or_after(day: datetime.date) -> datetime.date:
    """The first working day (Monday to Friday) on or after `day`: the KPR never meets at
    weekends."""
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def running_measures(measures, day: datetime.date) -> list[tuple]:
    return [
        m
        for m in measures
        if datetime.date.fromisoformat(m[4]) <= day
        and (m[5] is None or datetime.date.fromisoformat(m[5]) >= day)
    ]


def _between(measures, start: datetime.date | None, day: datetime.date, field: int) -> list[str]:
    return [
        m[0]
        for m in measures
        if m[field]
        and (start is None or datetime.date.fromisoformat(m[field]) > start)
        and datetime.date.fromisoformat(m[field]) <= day
    ]


def minutes_text(
    *,
    day: datetime.date,
    topic: str,
    first: bool,
    previous: datetime.date | None,
    following: datetime.date | None,
    measures: list[tuple],
    groups: dict[str, str],
) -> str:
    """Markdown minutes of the meeting on `day` (measures as in prevention.demo.KPR_MEASURES,
    groups: short name -> name)."""
    running = running_measures(measures, day)
    started = _between(measures, previous, day, 4)
    ended = _between(measures, previous, day, 5)
    lines = [DEMO_MARK, "", f"## Niederschrift vom {WEEKDAYS[day.weekday()]}, {day:%d.%m.%Y}", ""]
    if first:
        lines += [
            "Der Kommunale Präventionsrat Chemnitz konstituiert sich als Nachfolger des "
            "Kriminalpräventiven Rates. Die Mitglieder beschließen die Geschäftsordnung und "
            "richten die Arbeitsgruppen ein.",
            "",
        ]
    else:
        lines += [
            "Der Vorsitz eröffnet die Sitzung und stellt die Beschlussfähigkeit fest. Die "
            f"Niederschrift der Sitzung vom {previous:%d.%m.%Y} wird ohne Änderungen bestätigt.",
            "",
        ]
    lines += [f"### {topic}", ""]
    if started:
        lines.append("Seit der letzten Sitzung neu begonnen: " + "; ".join(started) + ".")
    if ended:
        lines.append("Seit der letzten Sitzung abgeschlossen: " + "; ".join(ended) + ".")
    if not started and not ended:
        lines.append("Seit der letzten Sitzung hat keine Maßnahme begonnen oder geendet.")
    lines.append("")
    if running:
        lines += ["### Berichte aus den Arbeitsgruppen", ""]
        for title, districts, group, *_rest in running:
            where = ", ".join(districts) if districts else "gesamtes Stadtgebiet"
            lines.append(f"- {groups.get(group, group)}: {title} ({where}).")
        lines.append("")
    else:
        lines += ["Es laufen noch keine Maßnahmen; die Arbeitsgruppen bereiten die ersten vor.", ""]
    lines += ["### Verschiedenes", ""]
    if following:
        lines.append(f"Die nächste Sitzung ist für den {following:%d.%m.%Y} vorgesehen.")
    else:
        lines.append("Ein Termin für die nächste Sitzung wird noch abgestimmt.")
    return "\n".join(lines) + "\n"


def status_report_pdf(*, day: datetime.date, topic: str, running: list[str]) -> bytes:
    """A one-page PDF 'Sachstandsbericht der Geschäftsstelle' (Helvetica, WinAnsi text)."""
    lines = [
        ("F2", 14, "Sachstandsbericht der Geschäftsstelle"),
        ("F1", 11, f"Sitzung des Kommunalen Präventionsrates am {day:%d.%m.%Y}"),
        ("F1", 11, "Beispieldaten – erfundenes Dokument für die Demo, keine amtliche Unterlage."),
        ("F1", 11, ""),
        ("F2", 11, f"Schwerpunkt: {topic}"),
        ("F1", 11, "Laufende Maßnahmen:" if running else "Noch keine laufenden Maßnahmen."),
        *[("F1", 11, f"- {title}") for title in running],
    ]
    text = ["BT", "72 770 Td"]
    for font, size, line in lines:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        text += [f"/{font} {size} Tf", f"({escaped}) Tj", f"0 -{size + 7} Td"]
    text.append("ET")
    content = zlib.compress("\n".join(text).encode("cp1252"))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content)
        + content
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
    ]
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(pdf)
