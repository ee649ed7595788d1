export { createNotifier, DEFAULT_NOTIFY_TIMEOUT_MS, slackMessage } from './create-notifier.js';
export { describeEvent } from './format-event.js';
export { NotifyError } from './notify-error.js';
export { redactTarget } from './post.js';
export { sendNotifications } from './send-notifications.js';
export type {
  HealthchecksNotifierConfig,
  Notifier,
  NotifierConfig,
  NotifyEvent,
  NotifyEventType,
  NotifyResult,
  SlackNotifierConfig,
  WebhookNotifierConfig,
} from './types.js';
