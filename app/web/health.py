"""Health check for load balancers and `otklik check`."""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency
from litestar.response import Response
from redis.asyncio import Redis

from app.core.outages import RETRY_AFTER_SECONDS
from app.web.guards import PUBLIC
from app.web.health_checks import system_health


@get("/healthz", name="healthz", opt=PUBLIC)
async def healthz(redis: NamedDependency[Redis]) -> Response[dict[str, object]]:
    """Database, Redis and worker heartbeat; 503 naming the part that is down.

    Outside the session middleware (see app.asgi), so it answers while Redis is down.
    """
    report = await system_health(redis)
    if report["status"] == "ok":
        return Response(report)
    return Response(report, status_code=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
