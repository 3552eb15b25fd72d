"""Live updates of a member's training over WebSockets (Django Channels, Redis channel layer).

``middleware`` authenticates a WebSocket like an HTTP request to the same host (gym from the
Host header, session from that gym's schema); ``consumers`` lets a viewer follow one member;
``broadcast`` sends after commit. See docs/architecture/adr/0011-live-updates-and-idempotent-logging.md.
"""
