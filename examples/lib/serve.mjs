// Serve until told to stop: listen on host:port, end the process with the
// message of a listening error, and on SIGTERM or SIGINT close the server
// and its idle keep-alive connections (a browser's, a load generator's),
// then exit 0.  handler: anything with listen(port, host, callback), an
// Express or a Koa application.  Returns the server.
export function serve(handler, { port, host = '127.0.0.1', name, ready }) {
  const server = handler.listen(port, host, ready);
  server.on('error', (e) => {
    console.error(`${name}: ${e.message}`);
    process.exit(1);
  });
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  return server;
}
