// The program the screenshots select in the System view, so the details pane has threads and
// history to show: a main thread and three named workers, one of them busy part of the time.
export const SCREENSHOT_DEMO = `
import ctypes, sys, threading, time
libc = ctypes.CDLL(None)
def name(text): libc.prctl(15, text.encode(), 0, 0, 0)
def work(label, duty):
    name(label)
    while True:
        end = time.time() + duty * 0.1
        while time.time() < end: pass
        time.sleep((1 - duty) * 0.1)
name('prime-workers')
for i, duty in enumerate((0.45, 0.12, 0.0)):
    threading.Thread(target=work, args=(f'worker-{i + 1}', duty), daemon=True).start()
while True: time.sleep(1)
`;
