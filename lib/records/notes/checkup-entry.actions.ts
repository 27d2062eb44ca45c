'use server';
import { defineAction } from '@/lib/actions/define-action';
import { saveCheckupEntrySchema } from './checkup-entry.schema';
import { saveCheckupEntry } from './checkup-entry.service';

export const saveCheckupEntryAction = defineAction(saveCheckupEntrySchema, (input, actor) => saveCheckupEntry(input, actor));
