/** What `ms1 --help` (or `ms1 help`, or `ms1 <command> --help`) prints. */
export const USAGE = `usage: pnpm ms1 <command> [options]

  session info                      the current session and the last ones
  session start [--mode scheduled|manual] [--interval S] [--no-webhook] [--mailboxes a@x,b@x]
                                    start a session (as POST /session/start)
  session stop [--reason R]         stop the session and archive it (as POST /session/stop)
  session clear                     delete the current session without archiving it, its polling and its
                                    Graph subscriptions
  session reset                     clear, and delete the history too
  poll-once [--mailbox M] [--timeout S]
                                    one sync round of every watched folder (of M only, if given), in this
                                    process; waits until every e-mail found has its outcome (forwarded to MS4,
                                    not an invoice, unreadable), prints a summary; exit 1 when an e-mail is
                                    unreadable, is still pending after S seconds (default 600) or the sync failed.
                                    Starts a manual session for the round (and stops it after) when none is active.
  dlq list [limit]                  dead letters
  dlq replay <id> | --all           put dead letters back on their queues
  help, --help                      this text

The environment is ingest-api's (.env.example): REDIS_URL, QUEUE_PREFIX, MAILBOXES, MAIL_RULES_FILE...;
poll-once and stopping a session with webhooks call Graph and need TENANT_ID, CLIENT_ID and CLIENT_SECRET.
Exit codes: 0 done, 1 failed, 2 not understood.`;
