"""Screening assistance (issue #15): loads lexicons and models, assesses messages.

The rules are in app.domain.screening; this package gives them their data (lexicons, the
morphological dictionary, each organisation's routing knowledge), runs them on intake in the
worker and stores what they suggest on the message.
"""
