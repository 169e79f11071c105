"""Socket.IO: who may connect and which rooms they join. Events go out after commit."""
