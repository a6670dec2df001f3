package io.atelier.contracts;

/**
 * Every event-bus address the mesh uses. A verticle talks to another only through these and the messages declared
 * beside them.
 *
 * <p>What crosses the bus: events (every job and pipeline transition, wherever it happens), and requests with
 * replies and timeouts (cancel a job to the worker that holds its lease, a node's status, drain a node). Never bulk
 * bytes: files travel through S3 and the bus carries their keys. Nor the work itself: jobs are pulled from Redis
 * streams, a durable queue each worker takes from at its own pace, so that a busy or dead node loses nothing; a
 * bus message can be lost with the node it was sent to, so PostgreSQL stays the truth behind every message here.
 */
public final class BusAddresses {

  /**
   * Published after every job state change and progress report, by whoever made it; body is {@link JobEvent#toJson()}.
   * Listeners (event streams, the edge's waiters) read the job's event log in PostgreSQL when they hear of it.
   */
  public static final String JOB_EVENTS = "atelier.jobs.events";

  /**
   * Published to every node: a request for its status, body {@link NodeStatusRequest#toJson()}; each node sends its
   * {@link NodeStatus} to the request's reply address. A node that has left the cluster simply does not answer.
   */
  public static final String NODES = "atelier.nodes";

  /**
   * Requests for a collab node to send a browser's collaboration socket to: each collab verticle consumes it and
   * replies with its {@link ServiceEndpoint}, so an edge without a local collab verticle proxies there (the bus
   * spreads requests over the consumers).
   */
  public static final String COLLAB_ENDPOINTS = "atelier.collab.endpoints";

  /**
   * Requests for an upload node to send a resumable upload's request to: each upload verticle consumes it and replies
   * with its {@link ServiceEndpoint}, so an edge without a local upload verticle proxies {@code /files/} there. Any
   * upload node can take any request of any upload: the upload's state is in PostgreSQL.
   */
  public static final String UPLOAD_ENDPOINTS = "atelier.uploads.endpoints";

  /** Published when an upload has become an asset; body is {@link AssetReady#toJson()}. */
  public static final String ASSET_READY = "atelier.assets.ready";

  /** The header that names what a request to a node asks for: {@link #STATUS} or {@link #DRAIN}. */
  public static final String ACTION = "action";
  /** Reply with the node's {@link NodeStatus}. */
  public static final String STATUS = "status";
  /** Drain and stop the node, as on SIGTERM; replies with its status as draining begins. */
  public static final String DRAIN = "drain";

  private BusAddresses() {
  }

  /** Requests to one node: {@link #STATUS} and {@link #DRAIN}, named by the {@link #ACTION} header. */
  public static String node(String nodeId) {
    return NODES + "." + nodeId;
  }

  /**
   * Published to every collab node that has the document open: {@link DocumentRelay}s (committed updates with their
   * log position, awareness, deletion). One address per document, so a node hears only of what it serves.
   */
  public static String document(long documentId) {
    return "atelier.collab.documents." + documentId;
  }

  /**
   * Requests to one worker, named as a job's lease names its holder ({@code jobs.lease_owner}): {@link CancelJob}.
   * Each worker (one kind on one node) has its own, so the request reaches the job's handler at once.
   */
  public static String worker(String workerName) {
    return "atelier.workers." + workerName;
  }
}
