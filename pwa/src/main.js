// Boot: mount the shell. Everything else hangs off <wp-app>.
import "./app-shell.js";
