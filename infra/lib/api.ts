import { Duration, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  type HttpRoute,
  type HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface ArchiveApiProps {
  /** API name shown in the console (`archive-<stage>`). */
  readonly name: string;
  readonly ingest: IFunction;
  readonly search: IFunction;
  readonly articles: IFunction;
  readonly authorizer: IFunction;
  readonly rateLimit: number;
  readonly burstLimit: number;
  readonly authorizerCacheSeconds: number;
  readonly logRetention: RetentionDays;
}

/** One route of the public API: method, path, the function behind it, and whether it needs a key. */
interface RouteSpec {
  readonly method: HttpMethod;
  readonly path: string;
  readonly target: 'ingest' | 'search' | 'articles';
  readonly write: boolean;
  /**
   * The key scope the route needs (functions/authorizer.ts): `alerts` routes take an ingest key or
   * an alerts-only key. Each scope has its own authorizer so that a decision cached for one scope
   * is never reused for the other (API Gateway caches per header and authorizer, not per route).
   */
  readonly scope?: 'alerts';
}

/** Exactly the routes of the app in `packages/api`; nothing else is reachable (no `$default` route). */
export const ROUTES: readonly RouteSpec[] = [
  { method: HttpMethod.POST, path: '/dispatches', target: 'ingest', write: true },
  { method: HttpMethod.GET, path: '/search', target: 'search', write: false },
  { method: HttpMethod.GET, path: '/suggest', target: 'search', write: false },
  { method: HttpMethod.GET, path: '/feed.atom', target: 'search', write: false },
  { method: HttpMethod.GET, path: '/feed.rss', target: 'search', write: false },
  { method: HttpMethod.GET, path: '/feed.json', target: 'search', write: false },
  { method: HttpMethod.GET, path: '/export', target: 'search', write: false },
  // The reader's pages: server-rendered from the index this function holds (the first page of
  // results needs a search, so a function renders it whatever serves the two small assets; they
  // are content-hashed and cached for a year, so a CDN in front adds little: see docs/DEPLOY.md).
  { method: HttpMethod.GET, path: '/', target: 'search', write: false },
  { method: HttpMethod.GET, path: '/read/{id}', target: 'search', write: false },
  { method: HttpMethod.GET, path: '/assets/{file}', target: 'search', write: false },
  // The API's description (generated from the route schemas) and its interactive reference.
  // Served by the articles function, whose cold start nobody waits on (see functions/articles.ts).
  { method: HttpMethod.GET, path: '/openapi.json', target: 'articles', write: false },
  { method: HttpMethod.GET, path: '/docs', target: 'articles', write: false },
  // Health goes to search: what can go stale in this service is the index (its version, size and age
  // since the last change are what /health reports), and a probe there also proves the function that
  // serves the public traffic can start and load its snapshot. Table health is DynamoDB's own SLA.
  { method: HttpMethod.GET, path: '/health', target: 'search', write: false },
  { method: HttpMethod.GET, path: '/articles/{id}', target: 'articles', write: false },
  // Related articles: a query over the index this function holds, seeded by the article's words.
  { method: HttpMethod.GET, path: '/articles/{id}/similar', target: 'search', write: false },
  { method: HttpMethod.GET, path: '/stories/{id}', target: 'articles', write: false },
  // The reader's story page, rendered by the function that renders the other pages (it reads the
  // story table for it, functions/search.ts).
  { method: HttpMethod.GET, path: '/story/{id}', target: 'search', write: false },
  { method: HttpMethod.DELETE, path: '/articles/{id}', target: 'articles', write: true },
  // Standing searches (docs/ALERTS.md): managed by the ingest function; matched and delivered by
  // the alert functions, which the API never reaches.
  { method: HttpMethod.POST, path: '/alerts', target: 'ingest', write: true, scope: 'alerts' },
  { method: HttpMethod.GET, path: '/alerts', target: 'ingest', write: true, scope: 'alerts' },
  { method: HttpMethod.GET, path: '/alerts/{id}', target: 'ingest', write: true, scope: 'alerts' },
  { method: HttpMethod.DELETE, path: '/alerts/{id}', target: 'ingest', write: true, scope: 'alerts' },
];

/**
 * The HTTP API (API Gateway v2): the routes above, write routes behind the key authorizer, stage
 * throttling, JSON access logs, and CORS for the read-only routes.
 */
export class ArchiveApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;
  readonly routes: HttpRoute[] = [];

  constructor(scope: Construct, id: string, props: ArchiveApiProps) {
    super(scope, id);

    this.api = new HttpApi(this, 'Http', {
      apiName: props.name,
      description: 'Dispatch archive: ingest, articles and search',
      createDefaultStage: false,
      // Browsers may read (search box, article pages); writes come from newsroom tooling, not
      // browsers, so preflight only allows GET and no credentials or Authorization header.
      corsPreflight: {
        allowOrigins: ['*'],
        allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.HEAD],
        allowHeaders: ['Content-Type'],
        maxAge: Duration.days(1),
      },
    });

    this.accessLogs = new LogGroup(this, 'AccessLogs', { retention: props.logRetention });
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit, burstLimit: props.burstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationLatencyMs: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            userAgent: '$context.identity.userAgent',
          }),
        ),
      },
    });

    // Lambda authorizer rather than IAM auth: ingest clients are newsroom tools holding a bearer key,
    // not AWS principals; a key can be issued or revoked with one CLI command and never grants any AWS
    // permission. Decisions are cached per Authorization header, so a busy client costs one authorizer
    // call per cache period; a revoked key stops working within that period.
    const keyAuthorizer = (id: string, name: string) =>
      new HttpLambdaAuthorizer(id, props.authorizer, {
        authorizerName: name,
        responseTypes: [HttpLambdaResponseType.SIMPLE],
        identitySource: ['$request.header.Authorization'],
        resultsCacheTtl: Duration.seconds(props.authorizerCacheSeconds),
      });
    const authorizers = {
      ingest: keyAuthorizer('IngestKeyAuthorizer', 'ingest-key'),
      alerts: keyAuthorizer('AlertsKeyAuthorizer', 'alerts-key'),
    };

    const integrations = {
      ingest: new HttpLambdaIntegration('IngestIntegration', props.ingest),
      search: new HttpLambdaIntegration('SearchIntegration', props.search),
      articles: new HttpLambdaIntegration('ArticlesIntegration', props.articles),
    };

    for (const route of ROUTES) {
      const [created] = this.api.addRoutes({
        path: route.path,
        methods: [route.method],
        integration: integrations[route.target],
        ...(route.write ? { authorizer: authorizers[route.scope ?? 'ingest'] } : {}),
      });
      if (!created) throw new Error(`route ${route.method} ${route.path} was not created`);
      this.routes.push(created);
      if (!route.write) {
        Validations.of(created).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            `${route.method} ${route.path} is part of the public, read-only archive: it exposes only ` +
            'published articles and never changes state. Abuse is bounded by stage throttling and the ' +
            "search function's own query guards; every write route requires an ingest key.",
        });
      }
    }
  }

  /** The invoke URL of the `$default` stage (ends with `/`). */
  get url(): string {
    const url = this.stage.url;
    if (!url) throw new Error('HTTP API stage has no URL');
    return url;
  }
}
