package io.atelier.launcher;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * Meters as Prometheus's own linter ({@code promtool check metrics}) wants them, for the few that Micrometer's JVM
 * and process binders make otherwise. Times in milliseconds or nanoseconds ({@code jvm_compilation_time_ms_total},
 * {@code process_cpu_time_ns_total}) are left out and {@link #bindTimesInSeconds} counts the same in seconds; a gauge
 * is not called {@code _count} ({@code system_cpu_count} becomes {@code system_cpus}).
 */
final class PrometheusNaming implements MeterFilter {

  @Override
  public MeterFilterReply accept(Meter.Id id) {
    return "ms".equals(id.getBaseUnit()) || "ns".equals(id.getBaseUnit()) ? MeterFilterReply.DENY
        : MeterFilterReply.NEUTRAL;
  }

  @Override
  public Meter.Id map(Meter.Id id) {
    if (id.getType() == Meter.Type.GAUGE && id.getName().endsWith(".count")) {
      return id.withName(id.getName().substring(0, id.getName().length() - ".count".length()) + "s");
    }
    return id;
  }

  /** The JIT's and the process's CPU time, in seconds, where the binders count them in ms and ns. */
  static void bindTimesInSeconds(MeterRegistry registry) {
    CompilationMXBean compilation = ManagementFactory.getCompilationMXBean();
    if (compilation != null && compilation.isCompilationTimeMonitoringSupported()) {
      FunctionCounter.builder("jvm.compilation.time", compilation, c -> c.getTotalCompilationTime() / 1e3)
          .baseUnit("seconds")
          .description("The approximate accumulated elapsed time spent in compilation")
          .register(registry);
    }
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean process && process.getProcessCpuTime() >= 0) {
      FunctionCounter.builder("process.cpu.time", process, p -> p.getProcessCpuTime() / 1e9)
          .baseUnit("seconds")
          .description("The CPU time used by the Java virtual machine process")
          .register(registry);
    }
  }
}
