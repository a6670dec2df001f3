package io.atelier.launcher;

import io.atelier.database.ApiKeyRepository;
import io.atelier.database.DatabasePool;
import io.atelier.database.Migrations;
import io.atelier.database.PostgresConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Ops commands on projects. */
@Command(name = "project", mixinStandardHelpOptions = true, description = "Manage projects and their API keys.",
    subcommands = {ProjectCommand.Create.class})
final class ProjectCommand implements Runnable {

  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Create a project and print its first API key (shown once; only its hash is stored).")
  static final class Create implements Callable<Integer> {

    @Option(names = "--name", required = true, description = "The project's name.")
    String name;

    @Option(names = "--config", paramLabel = "FILE", description = "JSON configuration file (repeatable).")
    List<Path> configFiles = List.of();

    @Override
    public Integer call() {
      JsonObject config = MeshConfigLoader.load(configFiles, System.getenv());
      PostgresConfig postgres = PostgresConfig.from(config);
      Migrations.apply(postgres);
      Vertx vertx = Vertx.vertx();
      try {
        Pool pool = DatabasePool.create(vertx, postgres);
        var created = Blocking.await(new ApiKeyRepository(pool).createProject(name), Duration.ofSeconds(30));
        System.out.println("ATELIER_PROJECT_ID=" + created.projectId());
        System.out.println("ATELIER_API_KEY=" + created.apiKey());
        return 0;
      } finally {
        Blocking.await(vertx.close(), Duration.ofSeconds(10));
      }
    }
  }
}
