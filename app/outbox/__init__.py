"""The outbox (issue #14): answers posted into the citizen's thread through a connector.

«Разместить через …» checks the person's right and the case's state like «Опубликовано»
and queues the answer (`sending.publish_through_network`); the worker posts it
(`sending.deliver`) and records the publication when the network confirms, retries a
refused post with backoff, never repeats blindly a post whose outcome it does not know, and
tells the publisher when the network keeps refusing (`watch.outbox_pass`). The author's
reply after a clarification, read by a connector, resumes the case (`replies`).

The package sits above app.cases (it acts through the case services) and below the web
application and the worker. The case page (app.cases) reads the outbox's table for its
publish step; the buttons' routes are here (`pages`).
"""
