// `pfd serve`'s usage, apart from the command (which loads the server's addons on use).
export const SERVE_USAGE = `pfd serve --run DIR [--host 127.0.0.1] [--port 8080] [--batch-wait-ms 2] [--body-limit-mb 8] [--device cpu|cuda] [--threads 1] [--no-warm] [--log]`;
