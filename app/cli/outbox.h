/* sen-admin outbox: the notification sender (outbox.c). */

#ifndef SEN_CLI_OUTBOX_H
#define SEN_CLI_OUTBOX_H

int	cmd_outbox(int, char **);

#endif
