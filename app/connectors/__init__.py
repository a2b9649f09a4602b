"""Network connectors (issue #14): messages come in from the networks by themselves, answers
go back into the same thread.

One module per network behind one small interface (`base.Connector`: fetch since a cursor,
publish a reply, check the account) and a registry by network code (`registry`). The
worker and the CLI drive them through `accounts` (connect, poll, health).
"""
