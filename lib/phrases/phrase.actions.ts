'use server';

import { revalidatePath } from 'next/cache';
import { defineAction } from '@/lib/actions/define-action';
import { removePhraseSchema, savePhraseSchema } from './phrase.schema';
import { removePhrase, savePhrase } from './phrase.service';

export const savePhraseAction = defineAction(savePhraseSchema, async (input, actor) => {
  const r = await savePhrase(input, actor);
  revalidatePath('/phrases');
  return r;
});

export const removePhraseAction = defineAction(removePhraseSchema, async (input, actor) => {
  await removePhrase(input, actor);
  revalidatePath('/phrases');
  return null;
});
