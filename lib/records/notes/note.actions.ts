'use server';

import { defineAction } from '@/lib/actions/define-action';
import { createNoteSchema, enteredInErrorSchema, noteIdSchema, notesPageSchema, updateNoteSchema } from './note.schema';
import { approveNote, confirmNote, createNote, listNotesPage, markNoteEnteredInError, updateNote } from './note.service';

/*
 * No revalidatePath here: a Server Action that revalidates re-renders the whole current page into its response
 * (the chart: every panel, ~300 ms and more than 1 MB for a long history). The chart puts the returned note into the
 * timeline itself and refreshes in the background only when the 承認待ち count changes; every other page that shows
 * notes (版歴, 承認待ち) is dynamic and reads fresh data when opened.
 */

export const createNoteAction = defineAction(createNoteSchema, (input, actor) => createNote(input, actor));

export const updateNoteAction = defineAction(updateNoteSchema, (input, actor) => updateNote(input, actor));

export const confirmNoteAction = defineAction(noteIdSchema, (input, actor) => confirmNote(input, actor));

export const approveNoteAction = defineAction(noteIdSchema, (input, actor) => approveNote(input, actor));

export const markNoteEnteredInErrorAction = defineAction(enteredInErrorSchema, (input, actor) => markNoteEnteredInError(input, actor));

/** 「さらに表示」: the next page of the chart timeline (audited as a read, like the first page). */
export const listNotesPageAction = defineAction(notesPageSchema, (input, actor) => listNotesPage(input.patientId, actor, { cursor: input.cursor }));
