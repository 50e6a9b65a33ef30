// Modules the NocoBase 2.x host client provides to plugin bundles at run time
// (requirejs). Bundling a second copy of any of them breaks React context and
// hooks, so the client build must keep every one of them external.
export const HOST_CLIENT_MODULES = [
  '@nocobase/client',
  '@nocobase/flow-engine',
  '@nocobase/client-v2',
  '@nocobase/utils/client',
  '@nocobase/sdk',
  '@nocobase/evaluators/client',
  'react',
  'react-dom',
  'react/jsx-runtime',
  'react-router-dom',
  'react-i18next',
  'antd',
  '@ant-design/icons',
  '@formily/core',
  '@formily/react',
  '@formily/antd-v5',
  '@formily/shared',
  '@formily/reactive',
  '@emotion/css',
  'ahooks',
  'axios',
  'dayjs',
  'lodash',
  '@dnd-kit/core',
  '@dnd-kit/sortable',
  'file-saver',
];

export function isHostClientModule(id) {
  return HOST_CLIENT_MODULES.some((m) => id === m || id.startsWith(`${m}/`)) || id.startsWith('@formily/');
}
