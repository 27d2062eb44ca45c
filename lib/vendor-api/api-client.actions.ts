'use server';

import { revalidatePath } from 'next/cache';
import { defineAction } from '@/lib/actions/define-action';
import { registerApiClientSchema, revokeApiClientSchema, rotateApiClientKeysSchema, rotateApiClientSecretSchema } from './api-client.schema';
import { registerApiClient, revokeApiClient, rotateApiClientKeys, rotateApiClientSecret } from './api-client.service';
import { replayDeliverySchema } from './subscription.schema';
import { replaySubscriptionDelivery } from './subscription.service';

export const registerApiClientAction = defineAction(registerApiClientSchema, async (input, actor) => {
  const app = await registerApiClient(input, actor);
  revalidatePath('/admin/api-clients');
  return app;
});

export const revokeApiClientAction = defineAction(revokeApiClientSchema, async (input, actor) => {
  await revokeApiClient(input, actor);
  revalidatePath('/admin/api-clients');
});

export const replaySubscriptionDeliveryAction = defineAction(replayDeliverySchema, async (input, actor) => {
  await replaySubscriptionDelivery(input, actor);
  revalidatePath('/admin/api-clients');
});

export const rotateApiClientKeysAction = defineAction(rotateApiClientKeysSchema, async (input, actor) => {
  const app = await rotateApiClientKeys(input, actor);
  revalidatePath('/admin/api-clients');
  return app;
});

export const rotateApiClientSecretAction = defineAction(rotateApiClientSecretSchema, async (input, actor) => {
  const app = await rotateApiClientSecret(input, actor);
  revalidatePath('/admin/api-clients');
  return app;
});
