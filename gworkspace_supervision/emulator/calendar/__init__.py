"""Calendar v3: calendars, calendarList, ACL, freebusy (calendars.py) and events (event_handlers.py)."""
