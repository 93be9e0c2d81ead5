"""Pages of the meetings, one module per process: the meetings themselves, their agenda,
attendance, minutes and notice, the year plan, calendar files, attachments, follow-ups and
the search. Each page parses the request, calls one step of meetings/ and renders.

Everyone logged in reads meetings and agendas; who may keep them and read draft minutes is in
meetings/permissions.py.
"""
