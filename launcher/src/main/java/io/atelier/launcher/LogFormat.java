package io.atelier.launcher;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the process writes its log on stdout, from the {@code log.format} key ({@code ATELIER_LOG_FORMAT}):
 * {@code text}, the default, a readable line an event (logback.xml's pattern); or {@code json}, one JSON object a line
 * for a log shipper, written by logback's own {@link JsonEncoder}: {@code timestamp} (epoch milliseconds),
 * {@code level}, {@code threadName}, {@code loggerName}, {@code mdc} (with {@code requestId}),
 * {@code formattedMessage} and {@code throwable} (class, message, frames, causes).
 */
enum LogFormat {
  TEXT, JSON;

  /** The appender of logback.xml whose encoder the format chooses. */
  private static final String APPENDER = "STDOUT";

  private static volatile LogFormat active = TEXT;
  /** logback.xml's own encoder, kept while JSON is on, for a switch back. */
  private static Encoder<ILoggingEvent> configuredText;

  String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The format {@code log.format} names; text when it is not set. Refuses any other value, naming the key. */
  static LogFormat from(JsonObject config) {
    Object section = config.getValue("log");
    if (section == null) {
      return TEXT;
    }
    if (!(section instanceof JsonObject log)) {
      throw new IllegalArgumentException("log must be an object, such as {\"format\": \"json\"}");
    }
    Object value = log.getValue("format");
    if (value == null) {
      return TEXT;
    }
    for (LogFormat format : values()) {
      if (format.wireName().equals(value)) {
        return format;
      }
    }
    throw new IllegalArgumentException("log.format must be text or json, was '" + value + "'");
  }

  /** The format the environment alone names ({@code ATELIER_LOG_FORMAT}): what holds before any file is read. */
  static LogFormat fromEnvironment(Map<String, String> environment) {
    JsonObject config = new JsonObject();
    MeshConfigLoader.applyEnvironment(config, environment);
    return from(config);
  }

  /** The format stdout is written in now. */
  static LogFormat active() {
    return active;
  }

  /**
   * Writes the log in this format from now on. Only the STDOUT console appender of the packaged logback.xml is
   * changed: a logging configuration of one's own ({@code -Dlogback.configurationFile}) is left as it is.
   */
  void apply() {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    Appender<ILoggingEvent> appender = context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(APPENDER);
    if (!(appender instanceof OutputStreamAppender<ILoggingEvent> stdout)) {
      return;
    }
    synchronized (LogFormat.class) {
      if (active == this) {
        return;
      }
      Encoder<ILoggingEvent> encoder;
      if (this == JSON) {
        configuredText = stdout.getEncoder();
        encoder = jsonEncoder(context);
      } else {
        encoder = configuredText;
      }
      stdout.stop();
      stdout.setEncoder(encoder);
      stdout.start();
      active = this;
    }
  }

  private static JsonEncoder jsonEncoder(LoggerContext context) {
    JsonEncoder json = new JsonEncoder();
    json.setContext(context);
    // The message once, formatted; no logger-context block (name and birth time, the same on every line) nor the
    // counters a shipper adds itself.
    json.setWithMessage(false);
    json.setWithArguments(false);
    json.setWithFormattedMessage(true);
    json.setWithContext(false);
    json.setWithSequenceNumber(false);
    json.setWithNanoseconds(false);
    json.start();
    return json;
  }
}
