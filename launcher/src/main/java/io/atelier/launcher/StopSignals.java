package io.atelier.launcher;

import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT (Ctrl-C) stop a node gracefully: the first starts its drain, a second forces the process out at
 * once. The JVM's own handling would run the shutdown hooks and ignore every signal after the first, so a drain that
 * hangs could not be cut short.
 */
final class StopSignals {

  private StopSignals() {
  }

  /** Runs {@code stop} on its own thread at the first signal, then exits with 0; halts with 1 at the second. */
  static void install(Runnable stop) {
    AtomicBoolean stopping = new AtomicBoolean();
    sun.misc.SignalHandler handler = signal -> {
      if (stopping.compareAndSet(false, true)) {
        System.err.println("atelier: SIG" + signal.getName() + " received, draining (send it again to stop at once)");
        Thread stopper = new Thread(() -> {
          try {
            stop.run();
          } finally {
            System.exit(0);
          }
        }, "atelier-stop");
        stopper.start();
      } else {
        System.err.println("atelier: SIG" + signal.getName() + " received again, stopping at once");
        Runtime.getRuntime().halt(1);
      }
    };
    Signal.handle(new Signal("TERM"), handler);
    Signal.handle(new Signal("INT"), handler);
  }
}
