import { Component, type ErrorInfo, type ReactNode } from "react";

export interface ErrorBoundaryProps {
  /** What the boundary guards, for the sentence: "the agreement", "the negotiation". */
  what: string;
  children: ReactNode;
}

interface State {
  error: Error | undefined;
}

/**
 * Keeps one part of a page from blanking the rest: a record the app cannot show (a malformed URI, a value
 * out of range) replaces that part with a sentence, and the navigation and other parts stay usable.
 * Give it a `key` that changes with the route so moving on clears the error.
 */
export class ErrorBoundary extends Component<ErrorBoundaryProps, State> {
  override state: State = { error: undefined };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error(`Ecoshare could not show ${this.props.what}:`, error, info.componentStack);
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div className="notice notice-error" role="alert" data-testid="error-boundary">
        <p>
          <strong>The app could not show {this.props.what}.</strong> {error.message}
        </p>
        <p className="small">
          The rest of the page still works. <button type="button" className="link" onClick={() => this.setState({ error: undefined })}>Try again</button>
        </p>
      </div>
    );
  }
}
