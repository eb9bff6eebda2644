import * as z from 'zod/mini';
import { en } from 'zod/locales';

/**
 * zod/mini, unlike full zod, loads no error messages: without this every problem would read
 * "Invalid input". Rejections carry the messages to the device (`errorMsg`) and to the logs, so
 * every module that defines schemas imports this, and they read as full zod's English ones.
 */
z.config(en());
