package io.atelier.jobs;

import java.util.concurrent.CancellationException;

/**
 * What a running job's handler may ask of its worker and be told by it, from any thread: whether it should stop (its
 * cancellation was requested, heard at once over the bus or at the next lease renewal, or its worker is stopping
 * and hands the job back), and where to report progress.
 */
public final class JobControl {

  /** Receives progress reports, already throttled. */
  @FunctionalInterface
  interface ProgressSink {
    void report(double fraction, String step);
  }

  private static final long MIN_REPORT_INTERVAL_NANOS = 1_000_000_000L;
  private static final double MIN_REPORT_STEP = 0.01;

  private final ProgressSink progressSink;
  /** The control this one is a part of ({@link #part}), whose cancellation is this one's; null for a job's own. */
  private final JobControl whole;
  private volatile boolean cancelRequested;
  private double lastFraction = -1;
  private long lastReportNanos;

  JobControl(ProgressSink progressSink) {
    this(progressSink, null);
  }

  private JobControl(ProgressSink progressSink, JobControl whole) {
    this.progressSink = progressSink;
    this.whole = whole;
  }

  /**
   * A control for one part of the job's work, which runs from {@code from} to {@code to} of the whole: its progress
   * is reported scaled into that range, and it is cancelled when this one is.
   */
  public JobControl part(double from, double to) {
    return new JobControl((fraction, step) -> reportProgress(from + fraction * (to - from), step), this);
  }

  /** A control that nobody cancels and whose progress goes nowhere, for running a handler outside a worker. */
  public static JobControl detached() {
    return new JobControl((fraction, step) -> { });
  }

  /**
   * A control for running a handler outside a worker (tools, tests): progress goes to {@code progress}, and
   * {@link #requestCancel()} asks the handler to stop.
   */
  public static JobControl standalone(java.util.function.BiConsumer<Double, String> progress) {
    return new JobControl(progress::accept);
  }

  public boolean isCancelRequested() {
    return cancelRequested || (whole != null && whole.isCancelRequested());
  }

  /** Throws {@link CancellationException} once cancellation is requested. */
  public void throwIfCancelled() {
    if (isCancelRequested()) {
      throw new CancellationException("the job was cancelled");
    }
  }

  /**
   * Reports how far the job has come (0 to 1) and what it is doing. Reports closer than a second or a percent to
   * the last one are dropped, so a handler may call this as often as it likes.
   */
  public synchronized void reportProgress(double fraction, String step) {
    double clamped = Math.max(0, Math.min(1, fraction));
    long now = System.nanoTime();
    if (clamped - lastFraction < MIN_REPORT_STEP || now - lastReportNanos < MIN_REPORT_INTERVAL_NANOS) {
      return;
    }
    lastFraction = clamped;
    lastReportNanos = now;
    progressSink.report(clamped, step);
  }

  /** Asks the handler to stop; its worker does this when the job's cancellation is requested. */
  public void requestCancel() {
    cancelRequested = true;
  }
}
