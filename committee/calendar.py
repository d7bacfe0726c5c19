"""The meeting's iCalendar invitation (RFC 5545, the ``icalendar`` library), in Paris time.

One UID per meeting and a sequence raised at each change, so that calendars update the
event they already hold; a cancelled meeting (or a member taken off the list) receives the
same event with ``METHOD:CANCEL``.
"""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

PARIS = ZoneInfo("Europe/Paris")
ICS_MIMETYPE = "text/calendar"


def meeting_calendar(meeting, *, cancel: bool = False, attendees=None) -> bytes:
    """The ``.ics`` of ``meeting``: a request, or its cancellation."""
    calendar = Calendar()
    calendar.add("prodid", "-//Portail CCR//Comité de sélection//FR")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancel or meeting.is_cancelled else "REQUEST")
    event = Event()
    event.add("uid", f"{meeting.uid}@portail-ccr")
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", timezone.localtime(meeting.starts_at, PARIS))
    event.add("dtend", timezone.localtime(meeting.ends_at, PARIS))
    event.add("summary", f"{meeting} ({meeting.campaign})")
    event.add("location", meeting.place or meeting.video_link)
    lines = [f"Appel à candidatures : {meeting.campaign}."]
    if meeting.video_link:
        lines.append(f"Visioconférence : {meeting.video_link}")
        event.add("url", meeting.video_link)
    lines.append(f"Dossiers et avis : {settings.SITE_URL}{meeting.get_absolute_url()}")
    event.add("description", "\n".join(lines))
    event.add("status", "CANCELLED" if cancel or meeting.is_cancelled else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{_address(settings.DEFAULT_FROM_EMAIL)}")
    organizer.params["cn"] = vText("Coordination Regain, portail CCR")
    event.add("organizer", organizer)
    for person in attendees if attendees is not None else meeting.members.all():
        attendee = vCalAddress(f"mailto:{person.email}")
        attendee.params["cn"] = vText(person.display_name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", attendee, encode=0)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def calendar_attachment(meeting, *, cancel: bool = False) -> dict:
    """The invitation as a notification's attachment (JSON: the text of the file)."""
    method = "CANCEL" if cancel or meeting.is_cancelled else "REQUEST"
    return {
        "filename": "invitation-comite.ics",
        "content": meeting_calendar(meeting, cancel=cancel).decode(),
        "mimetype": f"{ICS_MIMETYPE}; method={method}; charset=utf-8",
    }


def _address(sender: str) -> str:
    """``Portail CCR <ne-pas-repondre@…>`` → the bare address."""
    return sender.rsplit("<", 1)[-1].rstrip(">").strip()
