export { FRAGMENT_HEADER, type PageRoutesOptions, registerPageRoutes } from './page-routes';
