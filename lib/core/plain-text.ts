/**
 * Text that PostgreSQL and a レセプト can take: no NUL (PostgreSQL refuses it in text), no other C0/C1 control
 * characters, no noncharacters U+FFFE/U+FFFF and no lone surrogates. Tab, line feed and carriage return are allowed.
 */
import { z } from 'zod';

const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const CONTROL_CHARACTER_MESSAGE = '入力できない文字（制御文字）が含まれています。コピーした文章の場合は、その部分を入力し直してください。';

export const isPlainText = (value: string) => !CONTROL.test(value);

/** The check every string schema from lib/core/zod.ts carries. */
export const plainText = z.refine<string>(isPlainText, { error: CONTROL_CHARACTER_MESSAGE, abort: true });
