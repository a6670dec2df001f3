package io.atelier.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CommandLineTest {

  @Test
  void everyCommandHasHelp() {
    for (String[] args : new String[][] {{"--help"}, {"dev", "--help"}, {"node", "--help"}, {"project", "--help"},
        {"project", "create", "--help"}, {"bench", "--help"}, {"bench", "jobs", "--help"}}) {
      StringWriter out = new StringWriter();
      int exit = new CommandLine(new AtelierCommand()).setOut(new PrintWriter(out)).execute(args);
      assertThat(exit).as(String.join(" ", args)).isZero();
      assertThat(out.toString()).as(String.join(" ", args)).startsWith("Usage: atelier");
    }
  }

  @Test
  void anUnknownVerticleIsRejectedNamingTheKnownOnes() {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new AtelierCommand()).setErr(new PrintWriter(err));
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println(AtelierCommand.rootMessage(e));
      return 1;
    });
    int exit = cli.execute("node", "--verticles", "edge,telepathy");
    assertThat(exit).isEqualTo(1);
    assertThat(err.toString()).contains("unknown verticle 'telepathy'").contains("edge,collab,transcription");
  }

  @Test
  void aMissingRequiredOptionIsAUsageError() {
    StringWriter err = new StringWriter();
    int exit = new CommandLine(new AtelierCommand()).setErr(new PrintWriter(err)).execute("node");
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("--verticles");
  }
}
