"""Screening assistance (issue #15): pure rules that suggest, never decide.

The specialist decides; these rules say what a message looks like — abuse and threat flags
with their evidence, importance, places, departments and topics — and why. Everything here is
pure: lexicons, models and the lemmatiser are passed in (app.screening loads them).
"""
