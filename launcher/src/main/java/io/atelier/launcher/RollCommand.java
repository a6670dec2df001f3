package io.atelier.launcher;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Asks a running supervisor to replace the nodes of some verticles, one node at a time, and prints what it does. */
@Command(name = "roll", mixinStandardHelpOptions = true,
    description = {"Restart every node that runs the given verticles, one node at a time, through the running",
        "'atelier supervise': start the replacement, wait until it is ready, drain the old one, wait until it has",
        "left (a node that owns a port is drained first). Exits 0 once every node is replaced."})
final class RollCommand implements Callable<Integer> {

  @Option(names = "--verticle", required = true, split = ",", paramLabel = "NAME",
      description = "Verticles whose nodes to roll, in turn (edge, collab, upload, transcription, enrichment, render), or all.")
  List<String> verticles;

  @Option(names = "--control", defaultValue = "http://127.0.0.1:7400",
      description = "The supervisor's control address (default: ${DEFAULT-VALUE}).")
  URI control;

  @Override
  public Integer call() throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    for (String verticle : verticles) {
      HttpRequest request = HttpRequest.newBuilder(control.resolve("/roll?verticle=" + verticle))
          .POST(HttpRequest.BodyPublishers.noBody()).build();
      HttpResponse<Stream<String>> response;
      try {
        response = http.send(request, HttpResponse.BodyHandlers.ofLines());
      } catch (java.net.ConnectException e) {
        System.err.println("atelier roll: no supervisor answers at " + control + " (is 'atelier supervise' running?)");
        return 1;
      }
      if (response.statusCode() != 200) {
        String body = String.join("\n", response.body().toList());
        System.err.println("atelier roll: " + detail(body, response.statusCode()));
        return 1;
      }
      boolean rolled = false;
      for (Iterator<String> lines = response.body().iterator(); lines.hasNext(); ) {
        JsonObject event = new JsonObject(lines.next());
        System.out.println(describe(event));
        rolled |= "rolled".equals(event.getString("event"));
      }
      if (!rolled) {
        return 1;
      }
    }
    return 0;
  }

  static String describe(JsonObject e) {
    String node = e.getString("node");
    return switch (e.getString("event", "")) {
      case "starting" -> node + ": replacement started (pid " + e.getLong("pid") + ")";
      case "ready" -> node + ": replacement ready after " + e.getDouble("seconds") + " s";
      case "draining" -> node + ": draining pid " + e.getLong("pid");
      case "left" -> node + ": pid " + e.getLong("pid") + " left after " + e.getDouble("seconds") + " s";
      case "settling" -> node + ": settling for " + e.getLong("seconds") + " s before the next node";
      case "rolled" -> "rolled " + e.getInteger("nodes") + " node(s) running " + e.getString("verticle") + " in "
          + e.getDouble("seconds") + " s";
      case "failed" -> "roll failed: " + e.getString("reason");
      default -> e.encode();
    };
  }

  private static String detail(String body, int status) {
    try {
      return new JsonObject(body).getString("detail", body);
    } catch (DecodeException notJson) {
      return "the supervisor answered " + status + ": " + body;
    }
  }
}
