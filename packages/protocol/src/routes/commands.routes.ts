import { defineRoute } from './define-route.js';

/** commands: method, path and role; the request schemas still live in the hub's routes. */
export const COMMANDS_ROUTES = {
  postDevicesByIdCommands: defineRoute({
    id: 'commands.postDevicesByIdCommands',
    method: 'POST',
    path: '/api/v1/devices/:id/commands',
    role: 'operator',
    tag: 'commands',
  }),
  getDevicesByIdCommands: defineRoute({
    id: 'commands.getDevicesByIdCommands',
    method: 'GET',
    path: '/api/v1/devices/:id/commands',
    role: 'viewer',
    tag: 'commands',
  }),
  postCommands: defineRoute({
    id: 'commands.postCommands',
    method: 'POST',
    path: '/api/v1/commands',
    role: 'operator',
    tag: 'commands',
  }),
  getCommandsById: defineRoute({
    id: 'commands.getCommandsById',
    method: 'GET',
    path: '/api/v1/commands/:id',
    role: 'viewer',
    tag: 'commands',
  }),
  getCommandBatchesById: defineRoute({
    id: 'commands.getCommandBatchesById',
    method: 'GET',
    path: '/api/v1/command-batches/:id',
    role: 'viewer',
    tag: 'commands',
  }),
};
