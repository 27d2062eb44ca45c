'use server';

import { revalidatePath } from 'next/cache';
import { defineAction } from '@/lib/actions/define-action';
import { createNoteSchema, enteredInErrorSchema, noteIdSchema, updateNoteSchema } from './note.schema';
import { approveNote, confirmNote, createNote, markNoteEnteredInError, updateNote } from './note.service';
import type { NoteDto } from './note.dto';

function revalidate(note: NoteDto) {
  revalidatePath(`/patients/${note.patientId}`);
  revalidatePath(`/patients/${note.patientId}/notes/${note.lineageId}`);
}

export const createNoteAction = defineAction(createNoteSchema, async (input, actor) => {
  const note = await createNote(input, actor);
  revalidate(note);
  if (note.status === 'pending_approval') revalidatePath('/approvals');
  return note;
});

export const updateNoteAction = defineAction(updateNoteSchema, async (input, actor) => {
  const note = await updateNote(input, actor);
  revalidate(note);
  if (note.status === 'pending_approval') revalidatePath('/approvals');
  return note;
});

export const confirmNoteAction = defineAction(noteIdSchema, async (input, actor) => {
  const note = await confirmNote(input, actor);
  revalidate(note);
  return note;
});

export const approveNoteAction = defineAction(noteIdSchema, async (input, actor) => {
  const note = await approveNote(input, actor);
  revalidate(note);
  revalidatePath('/approvals');
  return note;
});

export const markNoteEnteredInErrorAction = defineAction(enteredInErrorSchema, async (input, actor) => {
  const note = await markNoteEnteredInError(input, actor);
  revalidate(note);
  revalidatePath('/approvals');
  return note;
});
