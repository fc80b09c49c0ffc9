// A systemd-style notify socket: a datagram socket bound at path (Node has
// none of its own: python3's), whose messages arrive in got, one a line.
import { spawn } from 'node:child_process';

export function notifySocket(path) {
  const py = spawn('python3', ['-c', `
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o777)  # the front end speaks as "nobody" here
print("bound", flush=True)
while True:
    print(s.recv(4096).decode().replace("\\n", "|"), flush=True)
`, path], { stdio: ['ignore', 'pipe', 'inherit'] });
  const got = [];
  let buf = '';
  py.stdout.setEncoding('utf8');
  py.stdout.on('data', (s) => {
    buf += s;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      got.push(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
  });
  return { got, stop: () => py.kill() };
}
